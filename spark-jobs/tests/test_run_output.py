"""RunOutput: what a run writes under --output, and what a failed run takes back (real local Spark writes)."""

import argparse
import datetime as dt
import io
import json
import warnings
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure
from pyspark.sql import functions as F

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.lifecycle import run_output_job
from emr_jobs.framework.metrics import JobMetrics
from emr_jobs.framework.png import escaped, fonts_for
from emr_jobs.framework.run_output import RunOutput, run_record_path

DAY, OLDER_DAY = "2025-01-15", "2025-01-14"
JOB = "probe_job"


def run_job(output: Path, process, capsys, date: dt.date | None = dt.date(2025, 1, 15)) -> tuple[int, str]:
    """run_output_job as a job's main() calls it; returns the exit code and stderr."""
    code = run_output_job(JOB, lambda: argparse.Namespace(output=str(output), date=date), process)
    return code, capsys.readouterr().err


def partitions(dataset: Path) -> list[str]:
    return sorted(p.name for p in dataset.iterdir() if p.is_dir()) if dataset.exists() else []


@pytest.fixture
def earlier_scored(spark, tmp_path) -> Path:
    """An output whose scored/ holds an earlier run's partitions: the run's own date and an older, unrelated one."""
    output = tmp_path / "out"
    rows = [("CLM1", OLDER_DAY), ("CLM2", OLDER_DAY), ("CLM3", DAY)]
    frame = spark.createDataFrame(rows, "claim_id string, detection_date string")
    frame.write.partitionBy("detection_date").parquet(str(output / "scored"))
    return output


def test_F07_a_run_failing_mid_write_leaves_no_dataset_it_wrote_or_cleared(spark, earlier_scored, capsys):
    def process(spark, args, out):
        rejected = spark.createDataFrame([("CLM9", "bad", DAY)], "claim_id string, reject_reason string, "
                                         "detection_date string")  # fmt: skip
        out.write_dataset("rejected", rejected, 1, partition_by=["detection_date"], clear={"detection_date": [DAY]})
        # The write of scored/ aborts inside Spark, as F07's ancient date did.
        scored = spark.createDataFrame([("CLM4", DAY)], "claim_id string, detection_date string")
        failing = F.when(F.col("claim_id") == "CLM4", F.raise_error(F.lit("cannot write this row")))
        scored = scored.withColumn("claim_id", failing.otherwise(F.col("claim_id")))
        out.write_dataset("scored", scored, 1, partition_by=["detection_date"], clear={"detection_date": [DAY]})
        return 0

    code, err = run_job(earlier_scored, process, capsys)
    assert code == 1 and len(err.strip().splitlines()) == 1 and "cannot write this row" in err, err
    assert not (earlier_scored / "rejected").exists()  # the dataset the run created is gone
    assert partitions(earlier_scored / "scored") == [f"detection_date={OLDER_DAY}"]  # its cleared day is gone
    older = pd.read_parquet(earlier_scored / "scored")
    assert sorted(older["claim_id"]) == ["CLM1", "CLM2"]  # the unrelated day is untouched


def test_a_run_failing_after_its_writes_takes_back_new_and_rewritten_partitions(spark, earlier_scored, capsys):
    def process(spark, args, out):
        rows = [("CLM5", DAY), ("CLM6", "2025-01-16")]
        scored = spark.createDataFrame(rows, "claim_id string, detection_date string")
        out.write_dataset("scored", scored, 2, partition_by=["detection_date"])  # no clear: found by listing
        out.write_file("picture", "p.png", b"png")
        raise JobError("the third step failed; fix the input")

    code, err = run_job(earlier_scored, process, capsys)
    assert code == 1 and err.strip() == f"{JOB}: ERROR: the third step failed; fix the input"
    assert partitions(earlier_scored / "scored") == [f"detection_date={OLDER_DAY}"]
    assert not (earlier_scored / "_runs" / f"date={DAY}" / "p.png").exists()
    record = json.loads((earlier_scored / "_runs" / f"date={DAY}" / "_metrics.json").read_text())
    assert record["outputs"]["scored"]["rolled_back"] is True and record["outputs"]["picture"]["rolled_back"] is True


def test_the_metrics_of_a_failed_run_say_failed_and_carry_the_error_line(spark, tmp_path, capsys):
    def process(spark, args, out):
        spark.createDataFrame([(1,)], "x int").withColumn("x", F.raise_error(F.lit("row 1 is bad"))).collect()
        return 0

    code, err = run_job(tmp_path / "out", process, capsys)
    record = json.loads((tmp_path / "out" / "_runs" / f"date={DAY}" / "_metrics.json").read_text())
    assert code == 1 and record["status"] == "failed"
    assert "row 1 is bad" in record["error"] and err.strip() == f"{JOB}: ERROR: {record['error']}"
    # The runs table's copy is the same record, finished once (the same finished_at and duration).
    runs_copy = Path(run_record_path(str(tmp_path / "out"), dt.date.fromisoformat(DAY)))
    assert json.loads(runs_copy.read_text()) == record


def test_a_successful_run_keeps_its_outputs_and_records_no_error(spark, tmp_path, capsys):
    def process(spark, args, out):
        out.write_dataset("table", spark.createDataFrame([(1,), (2,)], "x int"), 2)
        return 0

    code, _ = run_job(tmp_path / "out", process, capsys, date=None)
    record = json.loads((tmp_path / "out" / "_metrics.json").read_text())
    assert code == 0 and record["status"] == "succeeded" and "error" not in record
    assert record["outputs"]["table"]["rows"] == 2 and len(pd.read_parquet(tmp_path / "out" / "table")) == 2


def test_per_run_files_go_under_runs_date_for_a_dated_run_and_the_root_otherwise(spark, tmp_path):
    dated = RunOutput(spark, str(tmp_path / "dated"), JobMetrics(JOB), dt.date(2025, 1, 15))
    undated = RunOutput(spark, str(tmp_path / "undated"), JobMetrics(JOB))
    assert dated.write_file("report", "report.txt", "day") == str(tmp_path / "dated/_runs/date=2025-01-15/report.txt")
    assert (tmp_path / "dated/_runs/date=2025-01-15/report.txt").read_text() == "day"
    assert dated.write_file("rules", "rules.json", b"{}", per_run=False) == str(tmp_path / "dated/rules.json")
    assert (tmp_path / "dated/rules.json").read_bytes() == b"{}"
    assert dated.metrics_path() == str(tmp_path / "dated/_runs/date=2025-01-15/_metrics.json")
    assert undated.write_file("report", "report.txt", "all") == str(tmp_path / "undated/report.txt")
    assert undated.metrics_path() == str(tmp_path / "undated/_metrics.json")
    assert dated.metrics.record["outputs"]["report"] == {
        "path": str(tmp_path / "dated/_runs/date=2025-01-15/report.txt")
    }


def test_write_dataset_refuses_a_null_partition_value(spark, tmp_path):
    out = RunOutput(spark, str(tmp_path / "out"), JobMetrics(JOB))
    frame = spark.createDataFrame([("a", "2024-01-01"), ("b", None)], "id string, day string")
    with pytest.raises(Exception, match="null value in partition column 'day'"):
        out.write_dataset("table", frame, 2, partition_by=["day"])
    assert not list((tmp_path / "out").rglob("*HIVE_DEFAULT_PARTITION*"))
    out.roll_back()
    assert not (tmp_path / "out" / "table").exists()


def test_a_small_table_is_one_csv_file_with_a_header(spark, tmp_path):
    out = RunOutput(spark, str(tmp_path / "out"), JobMetrics(JOB))
    frame = spark.createDataFrame([(i, f"s{i}") for i in range(5)], "n int, s string").repartition(3)
    path = out.write_dataset("top", frame, 5, output_format="csv", single_csv=True)
    parts = list(Path(path).glob("part-*.csv"))
    assert len(parts) == 1
    lines = parts[0].read_text().splitlines()
    assert lines[0] == "n,s" and sorted(lines[1:]) == [f"{i},s{i}" for i in range(5)]
    assert out.metrics.record["outputs"]["top"] == {"path": path, "rows": 5}


def test_json_partitions_are_written_per_value(spark, tmp_path):
    out = RunOutput(spark, str(tmp_path / "out"), JobMetrics(JOB))
    frame = spark.createDataFrame([("a", DAY), ("b", OLDER_DAY)], "id string, day string")
    path = out.write_dataset("flags", frame, 2, partition_by=["day"], output_format="json")
    assert partitions(Path(path)) == [f"day={OLDER_DAY}", f"day={DAY}"]
    assert [json.loads(line) for line in (Path(path) / f"day={DAY}").glob("part-*.json").__next__().open()] == [
        {"id": "a"}
    ]


def _labelled_figure() -> Figure:
    figure = Figure(figsize=(4, 3), layout="tight")
    axes = figure.subplots()
    axes.barh(["PRV-東京", "CLM-😀", "PRV-A"], [3, 2, 1])
    axes.set_title("top PRV-東京")
    return figure


def test_F12_a_picture_with_glyphs_no_font_has_writes_no_warning_and_keeps_labels_distinct(spark, tmp_path, capfd):
    with warnings.catch_warnings(record=True) as plain:  # the case is real: drawn as-is, matplotlib warns
        warnings.simplefilter("always")
        _labelled_figure().savefig(io.BytesIO(), format="png")
    assert any("missing from font" in str(w.message) for w in plain)

    out = RunOutput(spark, str(tmp_path / "out"), JobMetrics(JOB), dt.date(2025, 1, 15))
    figure = _labelled_figure()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = out.write_picture("picture", "summary.png", figure)
    assert [str(w.message) for w in caught] == []
    assert capfd.readouterr().err == ""
    assert Path(path).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert figure.axes[0].get_title() == "top PRV-東京"  # the figure itself is left as it was
    title = figure.axes[0].title
    assert escaped("PRV-東京", fonts_for(title)) == "PRV-\\u6771\\u4eac"  # drawn readable: 東京 and 大阪 differ
    assert escaped("PRV-A", fonts_for(title)) == "PRV-A"
