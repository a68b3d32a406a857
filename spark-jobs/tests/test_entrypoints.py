"""The spark-submit entry scripts and python -m, as real processes: exit codes and one-line errors."""

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SPARK_JOBS = Path(__file__).resolve().parents[1]
JOBS = ("financial_data_processor", "data_quality", "smoke_test", "fraud_detection", "dedup", "aggregate", "compare",
        "financial_stream")  # fmt: skip


def _run(args, cwd=SPARK_JOBS):
    return subprocess.run(
        [sys.executable, *map(str, args)], capture_output=True, text=True, timeout=180, cwd=cwd, check=False
    )


@pytest.mark.parametrize("job", JOBS)
def test_entry_scripts_show_help(job):
    done = _run([SPARK_JOBS / "entrypoints" / f"{job}.py", "--help"])
    assert done.returncode == 0 and f"usage: {job}" in done.stdout


def test_a_usage_error_is_one_line_without_traceback():
    done = _run(["-m", "emr_jobs.jobs.data_quality", "--input", "x", "--input-format", "xml", "--rules", "r",
                 "--report", "p"])  # fmt: skip
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "data_quality: ERROR: invalid arguments: argument --input-format: invalid choice: 'xml' "
        "(choose from 'csv', 'json', 'parquet') (see --help)"
    ]


def test_a_missing_input_in_a_fresh_process_is_one_error_line(tmp_path):
    done = _run([SPARK_JOBS / "entrypoints" / "financial_data_processor.py", "--input", tmp_path / "none.csv",
                 "--output", tmp_path / "out"])  # fmt: skip
    errors = [line for line in done.stderr.splitlines() if "ERROR" in line or line.startswith(("\tat", "Traceback"))]
    assert done.returncode == 1
    assert errors == [f"financial_data_processor: ERROR: --input {tmp_path / 'none.csv'} not found"]


def test_a_task_failure_in_a_fresh_process_is_one_error_line_without_java_stack(tmp_path):
    # Two part files that store `open` as text and as a double: Spark reads with one file's schema, so the other
    # fails inside a task (text alone is parsed like csv since the reader takes the file's own types).
    columns = ["symbol", "market", "timestamp", "open", "high", "low", "close", "volume"]
    (tmp_path / "mixed").mkdir()
    pd.DataFrame({name: ["1"] for name in columns}).to_parquet(tmp_path / "mixed" / "part-0.parquet")
    pd.DataFrame({name: [1.0] if name == "open" else ["1"] for name in columns}).to_parquet(
        tmp_path / "mixed" / "part-1.parquet"
    )
    done = _run(["-m", "emr_jobs.jobs.financial_data_processor", "--input", tmp_path / "mixed",
                 "--input-format", "parquet", "--output", tmp_path / "out"])  # fmt: skip
    assert done.returncode == 1
    assert "\tat " not in done.stderr and "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and "SchemaColumnConvertNotSupportedException" in errors[0]
