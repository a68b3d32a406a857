"""A new user's bad inputs (issue 8's probe): each ends with one clear line naming what was wrong and the fix,
or is accepted where it is reasonable data."""

import contextlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from emr_jobs.framework import lifecycle
from emr_jobs.jobs import data_quality, financial_data_processor

HEADER = "symbol,market,timestamp,open,high,low,close,volume"


def call(main, args, capsys) -> tuple[int, str, str]:
    with contextlib.redirect_stdout(io.StringIO()) as stdout:
        code = main([str(a) for a in args])
    return code, stdout.getvalue(), capsys.readouterr().err


def one_error_line(err: str, job: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"{job}: ERROR: "), err
    return lines[0]


def bars_csv(path: Path, stamps, volume="1000", header=HEADER) -> Path:
    rows = [f"AAA,NYSE,{stamp},10,11,9,10.5,{volume}" for stamp in stamps]
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_an_output_that_is_a_file_is_refused_before_spark_starts(tmp_path, capsys, monkeypatch):
    def no_spark(_name):
        raise AssertionError("Spark started before --output was checked")

    monkeypatch.setattr(lifecycle, "build_spark_session", no_spark)  # where run_output_job starts Spark
    target = tmp_path / "out.parquet"
    target.write_text("not a directory")
    code, _, err = call(financial_data_processor.main, ["--input", "x.csv", "--output", target], capsys)
    line = one_error_line(err, "financial_data_processor")
    assert code == 1 and f"--output {target} is a file" in line and "Exception" not in line


def test_a_failing_metrics_write_does_not_mask_the_jobs_own_error(spark, tmp_path, capsys):
    output = tmp_path / "out"
    (output / "_metrics.json").mkdir(parents=True)  # the record cannot be written where a directory is
    args = ["--input", tmp_path / "missing.csv", "--output", output]
    code, stdout, err = call(financial_data_processor.main, args, capsys)
    line = one_error_line(err, "financial_data_processor")
    assert code == 1 and line.endswith("missing.csv not found")
    assert "could not write" in stdout and "_metrics.json" in stdout


def test_when_every_row_is_rejected_the_hint_names_the_top_reason_and_an_example(spark, tmp_path, capsys):
    path = bars_csv(tmp_path / "ms.csv", ["1704153600000", "1704153660000"])  # epoch milliseconds
    code, _, err = call(financial_data_processor.main, ["--input", path, "--output", tmp_path / "o"], capsys)
    line = one_error_line(err, "financial_data_processor")
    assert code == 1 and "all 2 input rows were rejected" in line
    assert "top reason unparsable_timestamp (2 rows), e.g. timestamp '1704153600000'" in line
    assert "epoch seconds" in line and "ISO-8601" in line and "--input-format" not in line


def test_epoch_seconds_are_accepted_as_timestamps(spark, tmp_path, capsys):
    path = bars_csv(tmp_path / "s.csv", ["1704153600", "1704240000.5"])
    code, _, err = call(financial_data_processor.main, ["--input", path, "--output", tmp_path / "o"], capsys)
    assert code == 0, err
    stamps = pd.read_parquet(tmp_path / "o" / "indicators")["timestamp"].sort_values()
    assert [str(s) for s in stamps] == ["2024-01-02 00:00:00", "2024-01-03 00:00:00.500000"]


def test_implausible_volumes_are_rejected_with_a_bound_an_option_changes(spark, tmp_path, capsys):
    path = tmp_path / "v.csv"
    lines = [f"AAA,NYSE,2024-01-0{d}T00:00:00Z,10,11,9,10.5,{v}" for d, v in ((1, "1e20"), (2, "1e300"), (3, "500"))]
    path.write_text("\n".join([HEADER, *lines]) + "\n")
    code, _, err = call(financial_data_processor.main, ["--input", path, "--output", tmp_path / "a"], capsys)
    assert code == 0, err
    metrics = json.loads((tmp_path / "a" / "_metrics.json").read_text())
    assert metrics["rejected_by_reason"] == {"implausible_volume": 2} and metrics["valid_rows"] == 1
    args = ["--input", path, "--output", tmp_path / "b", "--max-volume", "1e301"]
    code, _, err = call(financial_data_processor.main, args, capsys)
    assert code == 0, err
    assert json.loads((tmp_path / "b" / "_metrics.json").read_text())["valid_rows"] == 3


def test_a_csv_directory_whose_files_order_their_columns_differently_is_read_by_each_header(spark, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    bars_csv(folder / "a.csv", ["2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z"])
    reordered = "timestamp,symbol,market,volume,open,high,low,close,source"
    (folder / "b.csv").write_text(
        f"{reordered}\n2024-01-03T00:00:00Z,AAA,NYSE,900,10,11,9,10.25,feed\n2024-01-04T00:00:00Z,AAA,NYSE,800,10,11,9,9.5,\n"
    )
    code, _, err = call(financial_data_processor.main, ["--input", folder, "--output", tmp_path / "o"], capsys)
    assert code == 0, err
    bars = pd.read_parquet(tmp_path / "o" / "indicators").sort_values("timestamp")
    assert bars["close"].tolist() == [10.5, 10.5, 10.25, 9.5] and bars["volume"].tolist() == [1000, 1000, 900, 800]


def test_a_csv_file_in_a_directory_lacking_a_column_is_named(spark, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    bars_csv(folder / "a.csv", ["2024-01-01T00:00:00Z"])
    bars_csv(folder / "b.csv", ["2024-01-02T00:00:00Z"], header=HEADER.replace(",volume", ",vol"))
    code, _, err = call(financial_data_processor.main, ["--input", folder, "--output", tmp_path / "o"], capsys)
    line = one_error_line(err, "financial_data_processor")
    assert code == 1 and "lacks required columns: volume" in line and "b.csv" in line


def test_the_jobs_error_is_the_first_line_on_stderr_without_spark_s_banner(tmp_path):
    """A fresh process: Spark's start-up lines would come before the job's error."""
    environment = {**os.environ, "PYSPARK_PYTHON": sys.executable}
    environment.pop("PYSPARK_GATEWAY_PORT", None)
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "emr_jobs.jobs.financial_data_processor",
            "--input",
            str(tmp_path / "nope.csv"),
            "--output",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=900,
        check=False,
    )
    assert finished.returncode == 1
    first = finished.stderr.splitlines()[0]
    assert first.startswith("financial_data_processor: ERROR: --input "), finished.stderr
    assert first.endswith(" not found"), finished.stderr


QUALITY_COLUMNS = {"symbol": "string", "close": "double"}


def run_quality(tmp_path, rules, capsys, header="symbol,close", rows=("AAA,1.0", "bbb,2.0", "Ωmega,3.0")):
    (tmp_path / "in.csv").write_text("\n".join([header, *rows]) + "\n")
    (tmp_path / "rules.json").write_text(json.dumps({"columns": QUALITY_COLUMNS, "rules": rules}))
    args = ["--input", tmp_path / "in.csv", "--rules", tmp_path / "rules.json", "--report", tmp_path / "r.json",
            "--failure-threshold", "1"]  # fmt: skip
    return call(data_quality.main, args, capsys)


def test_a_java_regex_that_python_refuses_is_accepted_and_runs(spark, tmp_path, capsys):
    rules = [{"name": "upper_first", "type": "regex", "column": "symbol", "pattern": r"^\p{Lu}"}]
    code, _, err = run_quality(tmp_path, rules, capsys)
    assert code == 0, err
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["rules"][1]["name"] == "upper_first" and report["rules"][1]["failed_rows"] == 1  # bbb


def test_a_python_only_regex_is_refused_when_the_rules_are_parsed_naming_the_rule(spark, tmp_path, capsys):
    rules = [{"name": "named_group", "type": "regex", "column": "symbol", "pattern": r"(?P<sym>[A-Z]+)"}]
    code, _, err = run_quality(tmp_path, rules, capsys)
    line = one_error_line(err, "data_quality")
    assert code == 1 and "rule 'named_group' has an invalid pattern" in line and "java.util.regex" in line
    assert not (tmp_path / "r.json").exists()


def test_a_declared_column_absent_from_the_input_is_named(spark, tmp_path, capsys):
    rules = [{"name": "has_close", "type": "not_null", "columns": ["close"]}]
    code, _, err = run_quality(tmp_path, rules, capsys, header="symbol,price")
    line = one_error_line(err, "data_quality")
    assert code == 1 and "lacks declared columns: close" in line and "header: symbol, price" in line


@pytest.mark.parametrize("what", ["file", "under a file"])
def test_a_report_path_that_cannot_be_a_file_is_refused_before_spark(tmp_path, capsys, monkeypatch, what):
    monkeypatch.setattr(data_quality, "build_spark_session", lambda _n: pytest.fail("Spark started"))
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    report = tmp_path if what == "file" else blocker / "r.json"
    args = ["--input", "x.csv", "--rules", "r.json", "--report", report]
    code, _, err = call(data_quality.main, args, capsys)
    line = one_error_line(err, "data_quality")
    assert code == 1 and "--report" in line
