"""A run owns its outputs: reruns replace every in-scope partition of every output, part files agree with
_metrics.json, no partition is ever null, every output directory reads with pandas, and a run ends with a short
human summary and a picture that reflects the data."""

import contextlib
import io
import json
import shutil
import struct
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from emr_jobs.datagen import COLUMNS, generate_bars, write_bars
from emr_jobs.jobs import financial_data_processor, smoke_test

DATASETS = ("indicators", "market_summary", "anomalies", "rejected")


def run(main, *args) -> tuple[int, str]:
    with contextlib.redirect_stdout(io.StringIO()) as stdout:
        code = main([str(a) for a in args])
    return code, stdout.getvalue()


def part_file_rows(directory: Path) -> int:
    return sum(pq.read_metadata(file).num_rows for file in directory.rglob("*.parquet"))


def metrics_of(output: Path) -> dict:
    return json.loads((output / "_metrics.json").read_text())


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("ownership")
    generated = generate_bars(rows=400, symbols=2, seed=31, interval_minutes=240, bad_row_fraction=0.06,
                              anomaly_fraction=0.03)  # fmt: skip
    write_bars(generated.rows, root / "bars.csv", "csv")
    output = root / "out"
    code, stdout = run(financial_data_processor.main, "--input", root / "bars.csv", "--output", output)
    assert code == 0, stdout
    return {"root": root, "generated": generated, "output": output, "stdout": stdout}


def test_rows_without_a_timestamp_never_land_in_a_null_partition(first_run):
    output, bad = first_run["output"], first_run["generated"].bad_rows
    undated = int(bad["kind"].isin(["null_timestamp", "unparsable_timestamp"]).sum())
    assert undated >= 2
    assert not [p for p in output.rglob("*") if "__HIVE_DEFAULT_PARTITION__" in p.name]
    rejected = pd.read_parquet(output / "rejected")
    assert len(rejected) == len(bad)
    undated_rows = rejected[rejected["reject_reason"].isin(["null_timestamp", "unparsable_timestamp"])]
    latest = pd.read_parquet(output / "indicators")["date"].astype(str).max()
    assert len(undated_rows) == undated and set(undated_rows["date"].astype(str)) == {latest}


def test_pandas_reads_every_output_directory_of_every_job(first_run, tmp_path):
    directories = [first_run["output"] / name for name in DATASETS]
    code, _ = run(smoke_test.main, "--output", tmp_path / "smoke", "--rows", "1000")
    assert code == 0
    directories.append(tmp_path / "smoke" / "data")
    for directory in directories:
        frame = pd.read_parquet(directory)
        assert len(frame) == part_file_rows(directory) > 0, directory


def test_a_rerun_on_corrected_data_clears_every_output_and_part_files_match_the_metrics(first_run, tmp_path):
    root, generated, output = first_run["root"], first_run["generated"], tmp_path / "rerun"
    shutil.copytree(first_run["output"], output)  # the other tests keep the first run's outputs
    assert part_file_rows(output / "rejected") > 0 and part_file_rows(output / "anomalies") > 0
    # Corrected data: every planted defect removed, one row per bar; a high threshold leaves no anomalies.
    bad = generated.bad_rows[generated.bad_rows["kind"] != "duplicate"][list(COLUMNS)].fillna("\0")
    rows = generated.rows.fillna("\0").merge(bad.drop_duplicates(), how="left", indicator=True)
    corrected = rows[rows["_merge"] == "left_only"].drop(columns="_merge").replace("\0", None)
    corrected = corrected.drop_duplicates(["symbol", "timestamp"])
    write_bars(corrected, root / "corrected.csv", "csv")
    for _ in range(2):  # twice: a rerun over a rerun changes nothing
        code, _ = run(financial_data_processor.main, "--input", root / "corrected.csv", "--output", output,
                      "--zscore-threshold", "1000")  # fmt: skip
        assert code == 0
    metrics = metrics_of(output)
    assert metrics["rejected_rows"] == 0 and metrics["anomalies"] == 0
    for dataset in DATASETS:
        assert part_file_rows(output / dataset) == metrics["outputs"][dataset]["rows"], dataset
    assert metrics["outputs"]["indicators"]["rows"] == len(corrected)


def test_a_run_ends_with_a_short_human_summary_not_the_json(first_run):
    stdout, metrics = first_run["stdout"], metrics_of(first_run["output"])
    assert "{" not in stdout  # the record is written, not dumped
    summary = stdout[stdout.index("financial_data_processor: succeeded in") :]
    assert len(summary.splitlines()) <= 12
    top_reason, top_count = max(metrics["rejected_by_reason"].items(), key=lambda item: (item[1], item[0]))
    for fragment in (
        f"rows read   {metrics['rows_read']}",
        f"valid       {metrics['valid_rows']}",
        f"rejected    {metrics['rejected_rows']}: ",
        f"{top_reason} {top_count}",
        f"anomalies {metrics['anomalies']}",
        f"indicators ({metrics['outputs']['indicators']['rows']} rows): {first_run['output'] / 'indicators'}",
        f"picture: {first_run['output'] / 'overview.png'}",
        f"metrics     {first_run['output'] / '_metrics.json'}",
    ):
        assert fragment in summary, fragment


def test_the_picture_is_a_png_with_one_marker_per_anomaly_row(first_run):
    path = first_run["output"] / "overview.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert width > 400 and height > 200
    metrics = metrics_of(first_run["output"])
    anomalies = pd.read_parquet(first_run["output"] / "anomalies")
    assert len(anomalies) > 0
    assert metrics["picture"]["anomaly_markers"] == len(anomalies) == metrics["anomalies"]
    assert metrics["picture"]["symbols"] == sorted(
        pd.read_parquet(first_run["output"] / "indicators")["symbol"].unique()
    )
    assert metrics["picture"]["bars"] == metrics["outputs"]["indicators"]["rows"]
