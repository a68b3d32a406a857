"""The fraud job end to end on generated claims: planted patterns found, conservation, outputs readable by pandas,
reruns for a date, input and output formats, the picture, and one-line errors."""

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import pandas as pd
import pytest
from fraud_support import run_job
from pyspark.sql import functions as F
from table_agreement import assert_record_agrees, assert_table_agrees

from emr_jobs.framework.runs_table import RUNS
from emr_jobs.fraud.datagen import generate_claims, write_claims
from emr_jobs.fraud.picture import render
from emr_jobs.fraud.scoring import (
    HIGH_RISK_UNITS,
    SCORE_UNITS,
    UNITS_FOR_DUPLICATE,
    UNITS_PER_RULE,
    UNITS_PER_STATISTICAL_FLAG,
)
from emr_jobs.fraud.statistics import first_significant_digit
from emr_jobs.fraud.tables import TABLES

ROWS, DAY, OTHER_DAY = 2400, "2025-01-15", "2025-01-16"
DATASETS = ("scored", "flagged", "high_risk", "provider_summary", "rejected")
SPARK_JOBS = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("fraud_job")
    generated = generate_claims(rows=ROWS, seed=5)
    typed = generate_claims(rows=ROWS, seed=5, input_format="parquet")
    write_claims(generated.rows, root / "claims.csv", "csv")
    write_claims(generated.rows, root / "claims.json", "json")
    write_claims(typed.rows, root / "claims.parquet", "parquet")
    return {"root": root, "generated": generated, "typed": typed}


@pytest.fixture(scope="module")
def full(data):
    output = data["root"] / "out"
    code, stdout = run_job("--input", data["root"] / "claims.csv", "--output", output, "--date", DAY)
    frames = {name: pd.read_parquet(output / name) for name in DATASETS}
    return {"code": code, "stdout": stdout, "output": output, "frames": frames, "metrics": _metrics(output)}


def _run_files(output: Path, day: str = DAY) -> Path:
    """A run with --date D keeps its metrics and picture under _runs/date=D/."""
    return output / "_runs" / f"date={day}"


def _metrics(output: Path, day: str = DAY) -> dict:
    return json.loads((_run_files(output, day) / "_metrics.json").read_text())


def test_a_run_ends_with_a_short_summary_not_the_metrics_json(full):
    assert full["code"] == 0
    stdout, metrics, output = full["stdout"], full["metrics"], full["output"]
    assert not any(line.startswith("{") for line in stdout.splitlines())
    summary = stdout[stdout.index("fraud_detection: succeeded in") :]  # the framework's summary, as every job's
    assert len(summary.splitlines()) <= 14
    for fragment in (
        f"rows read   {ROWS}",
        f"valid       {metrics['scored_rows']}",
        f"rejected    {metrics['rejected_rows']}: ",
        f"flagged {metrics['flagged']}, high_risk {metrics['high_risk']}, duplicates {metrics['duplicates']}",
        f"scored ({metrics['scored_rows']} rows): {output / 'scored'}",
        f"picture: {_run_files(output) / 'fraud_summary.png'}",
        f"metrics     {_run_files(output) / '_metrics.json'}",
    ):
        assert fragment in summary, fragment


def test_every_input_row_is_scored_or_rejected_in_metrics_and_outputs(full, data):
    metrics, frames = full["metrics"], full["frames"]
    assert metrics["conservation"] == {"input_rows": ROWS, "scored_rows": len(frames["scored"]),
                                       "rejected_rows": len(frames["rejected"]), "holds": True}  # fmt: skip
    assert len(frames["scored"]) + len(frames["rejected"]) == ROWS
    assert metrics["rejected_by_reason"] == data["generated"].bad_rows["kind"].value_counts().to_dict()
    assert frames["rejected"].groupby("reject_reason").size().to_dict() == metrics["rejected_by_reason"]


def test_outputs_are_partitioned_by_the_detection_date_and_read_by_pandas(full):
    for name in DATASETS:
        frame = full["frames"][name]
        assert len(frame) == full["metrics"]["outputs"][name]["rows"], name
        assert frame["detection_date"].astype(str).unique().tolist() == [DAY], name
        assert [p.name for p in (full["output"] / name).iterdir() if p.is_dir()] == [f"detection_date={DAY}"]


@pytest.mark.parametrize(
    ("pattern", "flag"),
    [
        ("charge_outlier", "is_iqr_outlier"),
        ("exact_duplicate", "is_exact_duplicate"),
        ("near_duplicate", "is_near_duplicate"),
        ("benford", "is_benford_flagged"),
        ("weekend_provider", "rule_weekend_provider"),
        ("round_charge_provider", "rule_round_charge_provider"),
        ("provider_daily_volume", "rule_provider_daily_volume"),
        ("patient_daily_volume", "rule_patient_daily_volume"),
        ("long_distance", "rule_long_distance"),
        ("high_risk", "is_high_risk"),
    ],
)
def test_planted_patterns_are_found(full, data, pattern, flag):
    planted = data["generated"].planted
    ids = planted.loc[planted["pattern"] == pattern, "claim_id"]
    assert len(ids) >= 2
    scored = full["frames"]["scored"].set_index("claim_id")
    assert scored.loc[ids, flag].all(), scored.loc[ids, [flag]]


def test_duplicates_point_at_their_planted_original(full, data):
    planted = data["generated"].planted.dropna(subset=["duplicate_of"]).set_index("claim_id")
    scored = full["frames"]["scored"].set_index("claim_id")
    assert scored.loc[planted.index, "duplicate_of"].tolist() == planted["duplicate_of"].tolist()


def test_flagged_and_high_risk_hold_what_they_promise(full):
    frames = full["frames"]
    scored = frames["scored"]
    assert sorted(frames["flagged"]["claim_id"]) == sorted(scored.loc[scored["fraud_score"] > 0, "claim_id"])
    assert sorted(frames["high_risk"]["claim_id"]) == sorted(scored.loc[scored["fraud_score"] > 0.7, "claim_id"])
    assert (scored["fraud_reasons"] == "").tolist() == (scored["fraud_score"] == 0).tolist()
    assert full["metrics"]["high_risk"] == len(frames["high_risk"]) > 0


def test_score_units_are_the_stated_weights():
    assert pytest.approx(0.30 / 6) == UNITS_PER_RULE / SCORE_UNITS
    assert pytest.approx(0.25 / 3) == UNITS_PER_STATISTICAL_FLAG / SCORE_UNITS
    assert pytest.approx(0.45) == UNITS_FOR_DUPLICATE / SCORE_UNITS
    assert pytest.approx(0.7) == HIGH_RISK_UNITS / SCORE_UNITS
    assert 5 * UNITS_PER_RULE + UNITS_FOR_DUPLICATE == HIGH_RISK_UNITS  # exactly 0.7 is not "above 0.7"


def test_the_picture_is_a_png_of_the_score_distribution_and_top_providers(full):
    png = _run_files(full["output"]) / "fraud_summary.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert matplotlib.image.imread(png).shape[:2] == (500, 1200)
    counts = {float(k): v for k, v in full["metrics"]["score_distribution"].items()}
    providers = full["frames"]["provider_summary"].sort_values("flagged_share", ascending=False)
    top = list(zip(providers["provider_id"], providers["flagged_share"], providers["flagged_claims"], strict=True))
    scores_axes, providers_axes = render(counts, top).axes
    heights = sorted(patch.get_height() for patch in scores_axes.patches)
    assert heights == sorted(counts.values()) and sum(heights) == len(full["frames"]["scored"])
    assert [line.get_xdata()[0] for line in scores_axes.lines] == [0.7]
    assert len(providers_axes.patches) == min(15, len(top))
    assert providers_axes.patches[-1].get_width() == providers["flagged_share"].iloc[0]


def test_a_rerun_for_the_same_date_replaces_its_partition(full, data):
    code, _ = run_job("--input", data["root"] / "claims.csv", "--output", full["output"], "--date", DAY,
                      "--min-fraud-score", "0.5")  # fmt: skip
    assert code == 0
    flagged = pd.read_parquet(full["output"] / "flagged")
    assert 0 < len(flagged) < len(full["frames"]["flagged"]) and (flagged["fraud_score"] >= 0.5).all()
    assert len(pd.read_parquet(full["output"] / "scored")) == len(full["frames"]["scored"])  # not doubled


def test_a_second_day_keeps_the_first_day_s_metrics_and_picture(full, data, tmp_path):
    output = tmp_path / "days"
    shutil.copytree(full["output"], output)
    first = {name: (_run_files(output) / name).read_bytes() for name in ("_metrics.json", "fraud_summary.png")}
    code, _ = run_job("--input", data["root"] / "claims.csv", "--output", output, "--date", OTHER_DAY,
                      "--min-fraud-score", "0.5")  # fmt: skip
    assert code == 0
    assert {name: (_run_files(output) / name).read_bytes() for name in first} == first
    assert _metrics(output, OTHER_DAY)["detection_date"] == OTHER_DAY
    assert (_run_files(output, OTHER_DAY) / "fraud_summary.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in output.iterdir() if p.is_file()) == []  # nothing of a dated run at the root


@pytest.mark.parametrize("input_format", ["json", "parquet"])
def test_each_input_format_scores_the_same_claims(full, data, input_format, tmp_path):
    output = tmp_path / input_format
    code, _ = run_job("--input", data["root"] / f"claims.{input_format}", "--input-format", input_format,
                      "--output", output, "--date", OTHER_DAY, "--output-format", "csv" if input_format == "json"
                      else "parquet")  # fmt: skip
    assert code == 0
    if input_format == "json":
        scored = pd.read_csv(next((output / "scored" / f"detection_date={OTHER_DAY}").glob("*.csv")))
        assert len(scored) > 0
        scored = pd.concat(pd.read_csv(f) for f in (output / "scored").rglob("*.csv"))
    else:
        scored = pd.read_parquet(output / "scored")
    columns = ["claim_id", "fraud_score", "fraud_reasons"]
    expected = full["frames"]["scored"][columns].sort_values("claim_id").reset_index(drop=True)
    actual = scored[columns].fillna({"fraud_reasons": ""}).sort_values("claim_id").reset_index(drop=True)
    if input_format == "parquet":  # typed input cannot carry unparsable text: other bad rows, same good claims
        expected = expected[expected["claim_id"].isin(actual["claim_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(actual, expected, check_dtype=False)


def test_bad_options_and_missing_input_are_one_line_errors(tmp_path, capsys):
    assert run_job("--input", "x", "--output", tmp_path, "--duplicate-threshold", "1.5")[0] == 1
    assert "--duplicate-threshold: expected a fraction between 0 and 1, got '1.5'" in capsys.readouterr().err
    assert run_job("--input", tmp_path / "none.csv", "--output", tmp_path / "o")[0] == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"fraud_detection: ERROR: --input {tmp_path / 'none.csv'} not found"
    ]


def test_the_entry_script_shows_help():
    done = subprocess.run([sys.executable, SPARK_JOBS / "entrypoints" / "fraud_detection.py", "--help"],
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0 and "usage: fraud_detection" in done.stdout and "--benford-min-claims" in done.stdout


def test_the_generator_writes_what_it_plants(tmp_path):
    generated = generate_claims(rows=500, seed=1)
    assert len(generated.rows) == 500 and generated.rows["claim_id"].notna().sum() >= 490
    assert set(generated.bad_rows["kind"]) >= {"duplicate_claim_id", "unparsable_service_date"}
    buffer = io.StringIO()
    generated.rows.to_csv(buffer, index=False)
    assert buffer.getvalue().splitlines()[0].split(",")[:3] == ["claim_id", "patient_id", "provider_id"]


def test_first_significant_digit_across_powers_of_ten(spark):
    values = [0.3, 0.29, 0.07, 0.01, 1.0, 9.99, 10.0, 999.99, 1000.0, 7_500_000.0]
    frame = spark.createDataFrame([(v,) for v in values], "charge double")
    digits = [r[0] for r in frame.select(first_significant_digit(F.col("charge"))).collect()]
    assert digits == [3, 2, 7, 1, 1, 9, 1, 9, 1, 7]


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_each_dataset_is_written_as_its_table_declares(full, table):
    assert_table_agrees(table, full["output"])


def test_a_dated_run_record_is_a_row_of_the_runs_table(full):
    # The table reads the record alone under a name Athena does not skip (_-prefixed files are hidden to it).
    record = full["output"] / "_runs" / "records" / f"date={DAY}" / "run.json"
    assert [p.name for p in record.parent.iterdir() if not p.name.startswith(".")] == ["run.json"]
    assert_record_agrees(RUNS, record, absent_when_succeeded=frozenset({"error"}))
    assert len(record.read_text().splitlines()) == 1  # Athena's JSON SerDe reads one record per line
    operators_copy = json.loads((full["output"] / "_runs" / f"date={DAY}" / "_metrics.json").read_text())
    assert json.loads(record.read_text()) == operators_copy
