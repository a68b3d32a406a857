"""aggregate and compare end to end on generated data: planted totals and classes, conservation, the gate, the
report, the picture, outputs written in place through Spark's committer, and agreement with the pandas reference."""

import ast
import contextlib
import importlib.util
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image
from table_agreement import assert_table_agrees

from emr_jobs.framework.png import png_bytes
from emr_jobs.jobs import aggregate, compare
from emr_jobs.tracker.datagen import generate_tracker, write_table
from emr_jobs.tracker.picture import MISSING_MARKERS, deltas_figure, states_to_draw
from emr_jobs.tracker.tables import TABLES

SRC = Path(__file__).resolve().parents[1] / "src" / "emr_jobs"
REFERENCE_PATH = Path(__file__).resolve().parents[1] / "bench" / "tracker_reference.py"


def _reference():
    spec = importlib.util.spec_from_file_location("tracker_reference", REFERENCE_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(job, *args) -> tuple[int, str]:
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = job.main([str(a) for a in args])
    return code, stdout.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("tracker")
    generated = generate_tracker(1200, seed=4, states=8, cities_per_state=5, changed_fraction=0.03,
                                 missing_fraction=0.02)  # fmt: skip
    write_table(generated.cities, root / "cities.csv")
    write_table(generated.official, root / "official.csv")
    # file: URIs: every write goes through a Hadoop FileSystem, as s3:// does on EMR.
    aggregated = f"file://{root}/agg"
    compared = f"file://{root}/cmp"
    agg = run(aggregate, "--input", root / "cities.csv", "--output", aggregated)
    cmp = run(compare, "--ours", f"{aggregated}/state_daily", "--theirs", root / "official.csv", "--output", compared,
              "--fail-above", "0.5", "--top-n", "5")  # fmt: skip
    gated = run(compare, "--ours", f"{aggregated}/state_daily", "--theirs", root / "official.csv",
                "--output", root / "gated", "--fail-above", "0.001")  # fmt: skip
    verdict = run(compare, "--ours", f"{aggregated}/state_daily", "--theirs", root / "official.csv",
                  "--output", f"file://{root}/verdict-run", "--fail-above", "0.001",
                  "--verdict", f"file://{root}/verdict/verdict.json")  # fmt: skip
    return {"root": root, "generated": generated, "agg": agg, "cmp": cmp, "gated": gated, "verdict": verdict}


def test_aggregate_sums_the_good_city_rows_and_rejects_the_planted_bad_ones(runs):
    assert runs["agg"][0] == 0
    root, generated = runs["root"], runs["generated"]
    totals = pd.read_parquet(root / "agg" / "state_daily").sort_values(["date", "state"]).reset_index(drop=True)
    expected = generated.totals.assign(date=pd.to_datetime(generated.totals["date"]).dt.date)
    pd.testing.assert_frame_equal(totals, expected[totals.columns], check_dtype=False)
    rejected = pd.read_parquet(root / "agg" / "rejected")
    assert rejected["reject_reason"].value_counts().to_dict() == generated.bad_rows["kind"].value_counts().to_dict()


def test_aggregate_metrics_prove_conservation(runs):
    metrics = json.loads((runs["root"] / "agg" / "_metrics.json").read_text())
    assert metrics["input_rows"] == len(runs["generated"].cities)
    assert metrics["valid_rows"] + metrics["rejected_rows"] == metrics["input_rows"]
    assert metrics["conservation"]["holds"] is True
    assert metrics["conservation"]["cities_in_totals"] == metrics["valid_rows"]


def test_compare_finds_the_planted_classes(runs):
    assert runs["cmp"][0] == 0
    report = json.loads((runs["root"] / "cmp" / "diff_report.json").read_text())
    planted = pd.Series(runs["generated"].expected_classes).value_counts().to_dict()
    assert {k: v for k, v in report["classes"].items() if v} == planted
    assert (
        report["classes"]["changed"] > 3 and report["classes"]["missing_ours"] and report["classes"]["missing_theirs"]
    )
    assert report["rejected"]["theirs"] == {"duplicate": 1, "unparsable_count": 1}
    comparison = pd.read_parquet(runs["root"] / "cmp" / "comparison")
    by_key = dict(zip(zip(comparison["date"].astype(str), comparison["state"], strict=True), comparison["class"],
                      strict=True))  # fmt: skip
    assert by_key == runs["generated"].expected_classes


def test_the_report_lists_the_largest_deltas_and_the_csv_every_difference(runs):
    report = json.loads((runs["root"] / "cmp" / "diff_report.json").read_text())
    top = report["top_deltas"]
    assert len(top) == 5
    assert [abs(t["cases_delta"]) for t in top] == sorted((abs(t["cases_delta"]) for t in top), reverse=True)
    assert all(t["cases_delta"] == t["ours_cases"] - t["theirs_cases"] for t in top)
    assert all(t["cases_rel_delta"] == pytest.approx(t["cases_delta"] / t["theirs_cases"]) for t in top)
    csv_files = list((runs["root"] / "cmp" / "differences").glob("part-*.csv"))
    assert len(csv_files) == 1
    differences = pd.read_csv(csv_files[0])
    assert len(differences) == report["differing_keys"] and (differences["class"] != "equal").all()


def test_compare_metrics_prove_conservation(runs):
    metrics = json.loads((runs["root"] / "cmp" / "_metrics.json").read_text())
    conservation = metrics["conservation"]
    assert conservation["holds"] is True
    assert conservation["ours"]["rows"] == runs["generated"].totals.shape[0]
    assert conservation["theirs"]["rows"] == len(runs["generated"].official)


def test_compare_exits_2_when_the_differing_share_passes_fail_above(runs):
    code, stdout = runs["gated"]
    assert code == 2
    summary = stdout[stdout.index("compare: gate_failed in") :]  # the framework's summary names the outcome
    assert "gate FAILED" in summary and "missing_ours" in summary
    assert json.loads((runs["root"] / "gated" / "_metrics.json").read_text())["status"] == "gate_failed"
    report = json.loads((runs["root"] / "gated" / "diff_report.json").read_text())
    assert report["status"] == "FAILED" and report["differing_share"] > 0.001


def test_with_verdict_a_stop_exits_0_and_the_verdict_says_stop(runs):
    code, stdout = runs["verdict"]
    assert code == 0
    verdict = json.loads((runs["root"] / "verdict" / "verdict.json").read_text())
    report = json.loads((runs["root"] / "gated" / "diff_report.json").read_text())
    assert set(verdict) == {"verdict", "job", "reason", "details"}
    assert (verdict["verdict"], verdict["job"]) == ("stop", "compare")
    assert verdict["details"]["differing_share"] == report["differing_share"] > 0.001
    assert verdict["details"]["classes"] == report["classes"]
    assert "above --fail-above 0.10%" in verdict["reason"]
    assert json.loads((runs["root"] / "verdict-run" / "_metrics.json").read_text())["status"] == "gate_failed"
    assert "compare: gate_failed in" in stdout


def test_with_verdict_a_pass_says_pass(tmp_path):
    ours = pd.DataFrame({"date": ["2024-01-01"] * 2, "state": ["A", "B"], "cases": [1, 2], "deaths": [0, 0]})
    ours.to_csv(tmp_path / "ours.csv", index=False)
    ours.assign(region="R")[["date", "region", "state", "cases", "deaths"]].to_csv(tmp_path / "theirs.csv", index=False)
    code, _ = run(compare, "--ours", tmp_path / "ours.csv", "--ours-format", "csv", "--theirs", tmp_path / "theirs.csv",
                  "--output", tmp_path / "out", "--verdict", tmp_path / "v.json")  # fmt: skip
    verdict = json.loads((tmp_path / "v.json").read_text())
    assert code == 0 and verdict["verdict"] == "pass" and verdict["details"]["differing_keys"] == 0


def test_tolerances_turn_small_changes_into_equal(tmp_path):
    ours = pd.DataFrame({"date": ["2024-01-01"] * 4, "state": ["A", "B", "C", "D"], "cases": [100, 100, 0, 5],
                         "deaths": [1, 1, 0, 0]})  # fmt: skip
    theirs = ours.assign(region="R", cases=[103, 150, 0, 0])[["date", "region", "state", "cases", "deaths"]]
    ours.to_csv(tmp_path / "ours.csv", index=False)
    theirs.to_csv(tmp_path / "theirs.csv", index=False)
    args = ["--ours", tmp_path / "ours.csv", "--ours-format", "csv", "--theirs", tmp_path / "theirs.csv",
            "--output", tmp_path / "out", "--fail-above", "1"]  # fmt: skip
    assert run(compare, *args, "--abs-tolerance", "3")[0] == 0
    classes = pd.read_parquet(tmp_path / "out" / "comparison").set_index("state")
    assert classes["class"].to_dict() == {"A": "equal", "B": "changed", "C": "equal", "D": "changed"}
    assert classes.loc["C", "cases_rel_delta"] == 0.0 and pd.isna(classes.loc["D", "cases_rel_delta"])
    assert run(compare, *args, "--rel-tolerance", "0.5")[0] == 0
    classes = pd.read_parquet(tmp_path / "out" / "comparison").set_index("state")["class"].to_dict()
    assert classes == {"A": "equal", "B": "equal", "C": "equal", "D": "changed"}


def test_a_negative_tolerance_is_one_error_line(tmp_path, capsys):
    code, _ = run(compare, "--ours", "x", "--theirs", "y", "--output", tmp_path, "--abs-tolerance", "-1")
    assert code == 1
    assert capsys.readouterr().err.strip() == (
        "compare: ERROR: invalid arguments: --abs-tolerance expects a number >= 0, got '-1.0' (see --help)"
    )


def test_outputs_are_committed_in_place_and_readable_by_pandas(runs):
    for dataset in ("agg/state_daily", "agg/rejected", "cmp/comparison", "cmp/differences", "cmp/rejected"):
        directory = runs["root"] / dataset
        assert (directory / "_SUCCESS").is_file(), dataset  # the committer's marker: committed in place
        assert not (directory / "_temporary").exists(), dataset
    everything = {p.relative_to(runs["root"]).parts[0] for p in runs["root"].rglob("*")}
    assert everything == {"cities.csv", "official.csv", "agg", "cmp", "gated", "verdict", "verdict-run"}
    assert len(pd.read_parquet(runs["root"] / "cmp" / "rejected")) == 2


def test_the_jobs_have_no_rename_or_copy_step():
    """The seed tracker lost its output on EMR Serverless by writing to a temporary local path and renaming it
    afterwards; these modules write only through Spark's writers and FileSystem.create."""
    forbidden = {"rename", "move", "copy", "copyfile", "copytree", "replace", "copyFromLocalFile", "moveFromLocalFile"}
    files = [
        SRC / "framework" / "run_output.py",  # every dataset and file of aggregate and compare goes through it
        SRC / "jobs" / "aggregate.py",
        SRC / "jobs" / "compare.py",
        SRC / "jobs" / "dedup.py",
        *(SRC / "tracker").glob("*.py"),
        *(SRC / "dedup").glob("*.py"),
    ]
    # The generators write local test files, not job outputs.
    files = [file for file in files if file.name != "datagen.py"]
    called = set()
    for file in files:
        for node in ast.walk(ast.parse(file.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                called.add((file.name, node.func.attr))
    assert len(called) > 50
    assert {(f, name) for f, name in called if name in forbidden} == set()


def test_the_picture_is_a_png_with_one_line_per_differing_state_and_a_marker_per_missing_key(runs):
    png = runs["root"] / "cmp" / "deltas_by_state.png"
    with Image.open(png) as image:
        assert image.format == "PNG" and image.size[0] > 500
    comparison = pd.read_parquet(runs["root"] / "cmp" / "comparison")
    figure = deltas_figure(comparison)
    cases_axes = figure.axes[0]
    drawn = states_to_draw(comparison)
    assert len(drawn) == min(8, comparison.loc[comparison["class"] != "equal", "state"].nunique()) > 0
    state_lines = [line for line in cases_axes.lines if (line.get_gid() or "").startswith("cases:")]
    assert [line.get_gid() for line in state_lines] == [f"cases:{s}" for s in drawn]
    for line, state in zip(state_lines, drawn, strict=True):
        own = comparison[(comparison["state"] == state) & comparison["class"].isin(["equal", "changed"])]
        assert len(line.get_xdata()) == len(own)
        assert sorted(line.get_ydata()) == sorted(own["cases_delta"])
    markers = {c.get_gid(): len(c.get_offsets()) for c in cases_axes.collections if c.get_gid() in MISSING_MARKERS}
    missing = comparison[comparison["state"].isin(drawn)]["class"].value_counts()
    assert markers == {k: int(missing[k]) for k in MISSING_MARKERS if k in missing}
    assert png_bytes(figure)[:8] == b"\x89PNG\r\n\x1a\n"


def test_agrees_with_the_pandas_reference(runs, tmp_path):
    reference = _reference()
    cities = reference.load_csv(runs["root"] / "cities.csv")
    # Edge rows: a one-city state, a unicode state, a state of zeros, a conflict (same key, two values), a copy that
    # differs only in padding and `6.0` for `+6`, and blanks.
    edge = pd.DataFrame([
        {"date": "2020-03-01", "state": "Ñ", "city": "Único", "code": None, "cases": "7", "deaths": "0"},
        {"date": "2020-03-01", "state": "Z0", "city": "a", "code": "1", "cases": "0", "deaths": "0"},
        {"date": "2020-03-01", "state": "Z0", "city": "b", "code": "2", "cases": "0", "deaths": "0"},
        {"date": "2020-03-01", "state": "T", "city": "t", "code": "9", "cases": "5", "deaths": "1"},
        {"date": "2020-03-01", "state": "T", "city": "t", "code": "9", "cases": "4", "deaths": "1"},
        {"date": " 2020-03-02 ", "state": " T ", "city": "t", "code": "9", "cases": "+6", "deaths": "1"},
        {"date": "", "state": "T", "city": "t", "code": "9", "cases": "6", "deaths": "1"},
        {"date": "2020-03-02", "state": "T", "city": "t", "code": "9", "cases": "6.0", "deaths": "1"},
    ])  # fmt: skip
    pd.concat([cities, edge], ignore_index=True).to_csv(tmp_path / "cities.csv", index=False)
    assert run(aggregate, "--input", tmp_path / "cities.csv", "--output", tmp_path / "agg")[0] == 0
    expected_totals, expected_rejected = reference.aggregate(reference.load_csv(tmp_path / "cities.csv"))
    totals = pd.read_parquet(tmp_path / "agg" / "state_daily").sort_values(["date", "state"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(totals, expected_totals[totals.columns], check_dtype=False)
    rejected = pd.read_parquet(tmp_path / "agg" / "rejected")["reject_reason"].value_counts().to_dict()
    assert rejected == expected_rejected.value_counts().to_dict()
    # The conflicting pair is left out (its key is absent); the padded copy and `6.0` are one row of 6 cases.
    assert totals.loc[totals["state"] == "T", ["date", "cases"]].astype(str).values.tolist() == [["2020-03-02", "6"]]
    assert rejected["conflicting_duplicate"] == 2

    official = reference.load_csv(runs["root"] / "official.csv")
    assert run(compare, "--ours", tmp_path / "agg" / "state_daily", "--theirs", runs["root"] / "official.csv",
               "--output", tmp_path / "cmp", "--rel-tolerance", "0.01", "--fail-above", "1")[0] == 0  # fmt: skip
    theirs, _ = reference.cleanse(official, reference.STATE_FIELDS, ("date", "state"))
    expected = reference.compare(expected_totals, theirs, rel_tolerance=0.01)
    actual = pd.read_parquet(tmp_path / "cmp" / "comparison").sort_values(["date", "state"]).reset_index(drop=True)
    expected["region"] = expected["region"].astype(object).where(expected["region"].notna(), None)
    pd.testing.assert_frame_equal(actual, expected[actual.columns], check_dtype=False)


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_each_dataset_is_written_as_its_table_declares(runs, table):
    outputs = {"aggregate": runs["root"] / "agg", "compare": runs["root"] / "cmp"}
    assert_table_agrees(table, outputs[table.job])
