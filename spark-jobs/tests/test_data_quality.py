"""The data-quality gate: rule semantics against pandas, thresholds and exit codes, report, bad rules files."""

import contextlib
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from emr_jobs.datagen import generate_bars, write_bars
from emr_jobs.framework.exit_codes import JobError
from emr_jobs.jobs import data_quality
from emr_jobs.quality.rules import parse_rules

COLUMNS = {"symbol": "string", "market": "string", "timestamp": "timestamp", "close": "double", "volume": "double"}
RULES = [
    {"name": "required", "type": "not_null", "columns": ["symbol", "timestamp"]},
    {"name": "close_positive", "type": "range", "column": "close", "min": 0, "min_inclusive": False},
    {"name": "volume_bounds", "type": "range", "column": "volume", "min": 0, "max": 1e7},
    {"name": "after_2024", "type": "range", "column": "timestamp", "min": "2024-01-01T00:00:00"},
    {"name": "symbol_format", "type": "regex", "column": "symbol", "pattern": "^[A-Z]{2,4}$"},
    {"name": "known_market", "type": "allowed_values", "column": "market", "values": ["NYSE"]},
    {"name": "one_bar", "type": "unique", "columns": ["symbol", "timestamp"]},
]


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality")
    rows = generate_bars(rows=400, symbols=3, seed=17, bad_row_fraction=0.05).rows
    write_bars(rows, root / "bars.csv", "csv")
    (root / "rules.json").write_text(json.dumps({"columns": COLUMNS, "rules": RULES}))
    return root, rows


def run_gate(root, *extra, rules=None):
    report = root / "report.json"
    with contextlib.redirect_stdout(io.StringIO()) as stdout:
        code = data_quality.main(
            [
                "--input",
                str(root / "bars.csv"),
                "--input-format",
                "csv",
                "--rules",
                str(rules or root / "rules.json"),
                "--report",
                str(report),
                *map(str, extra),
            ]
        )
    return code, (json.loads(report.read_text()) if report.exists() and code != 1 else None), stdout.getvalue()


def expected_failures(rows: pd.DataFrame) -> dict[str, pd.Series]:
    """The same rules written in pandas."""
    present = rows.notna() & (rows.astype(str).apply(lambda c: c.str.strip()) != "")
    close, volume = pd.to_numeric(rows["close"], errors="coerce"), pd.to_numeric(rows["volume"], errors="coerce")
    times = pd.to_datetime(rows["timestamp"], errors="coerce", utc=True, format="ISO8601")
    key_present = present["symbol"] & present["timestamp"]
    duplicated = rows[key_present].duplicated(["symbol", "timestamp"])
    return {
        "well_formed_records": pd.Series(False, index=rows.index),
        "required": ~(present["symbol"] & present["timestamp"]),
        "close_positive": present["close"] & ~(close > 0),
        "volume_bounds": present["volume"] & ~((volume >= 0) & (volume <= 1e7)),
        "after_2024": present["timestamp"] & ~(times >= pd.Timestamp("2024-01-01", tz="UTC")),
        "symbol_format": present["symbol"] & ~rows["symbol"].fillna("").str.contains(r"^[A-Z]{2,4}$"),
        "known_market": present["market"] & ~rows["market"].isin(["NYSE"]),
        "one_bar": key_present & duplicated.reindex(rows.index, fill_value=False),
    }


def test_rule_counts_match_pandas_and_samples_break_their_rule(dataset):
    root, rows = dataset
    code, report, stdout = run_gate(root, "--failure-threshold", "1.0")
    assert code == 0 and report["passed"]
    expected = expected_failures(rows)
    assert {r["name"]: r["failed_rows"] for r in report["rules"]} == {k: int(v.sum()) for k, v in expected.items()}
    failing_any = pd.concat(expected.values(), axis=1).any(axis=1)
    assert report["failing_rows"] == int(failing_any.sum()) and report["total_rows"] == len(rows)
    assert sum(v.sum() > 0 for v in expected.values()) >= 5  # the data exercises most rules
    market_samples = next(r for r in report["rules"] if r["name"] == "known_market")["samples"]
    assert 0 < len(market_samples) <= 5 and all(s["market"] != "NYSE" for s in market_samples)
    assert re.search(r"Loaded \d+ rows", stdout) and "Quality gate PASSED" in stdout


def test_the_threshold_is_inclusive_and_above_it_the_gate_exits_2(dataset):
    root, _ = dataset
    _, report, _ = run_gate(root, "--failure-threshold", "1.0")
    fraction = report["failing_fraction"]
    assert 0 < fraction < 1
    at_threshold, report_at, _ = run_gate(root, "--failure-threshold", repr(fraction))
    below, report_below, stdout = run_gate(root, "--failure-threshold", repr(fraction * 0.99))
    assert (at_threshold, report_at["status"]) == (0, "PASSED")
    assert (below, report_below["status"]) == (2, "FAILED") and "Quality gate FAILED" in stdout


def test_an_empty_input_fails_the_gate(tmp_path, dataset):
    root, _ = dataset
    (tmp_path / "bars.csv").write_text("symbol,market,timestamp,close,volume\n")
    code, report, _ = run_gate(tmp_path, rules=root / "rules.json")
    assert code == 2 and report["reason"] == "input has no rows"


BAD_RULES = {
    "not json": ("{rules: [", "not valid JSON"),
    "no rules": (json.dumps({"columns": COLUMNS, "rules": []}), "'rules' must be a non-empty list"),
    "unknown type": (json.dumps({"columns": COLUMNS, "rules": [{"name": "x", "type": "between"}]}), "unknown type"),
    "undeclared column": (
        json.dumps({"columns": COLUMNS, "rules": [{"name": "x", "type": "not_null", "columns": ["price"]}]}),
        "undeclared columns: price",
    ),
    "bad regex": (
        json.dumps(
            {"columns": COLUMNS, "rules": [{"name": "x", "type": "regex", "column": "symbol", "pattern": "(["}]}
        ),
        "invalid pattern",
    ),
    "range on text": (
        json.dumps({"columns": COLUMNS, "rules": [{"name": "x", "type": "range", "column": "symbol", "min": 1}]}),
        "range needs a numeric",
    ),
}


@pytest.mark.parametrize("case", list(BAD_RULES))
def test_a_bad_rules_file_exits_1_with_one_line(dataset, tmp_path, capsys, case):
    root, _ = dataset
    text, fragment = BAD_RULES[case]
    (tmp_path / "rules.json").write_text(text)
    code, _, _ = run_gate(root, rules=tmp_path / "rules.json")
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1 and fragment in err and err.startswith("data_quality: ERROR:")


def test_every_problem_in_a_rules_file_is_reported_at_once():
    rules = [{"name": "a", "type": "unique", "columns": []}, {"name": "a", "type": "nope"}]
    with pytest.raises(JobError) as error:
        parse_rules(json.dumps({"columns": {"x": "decimal"}, "rules": rules}), "rules.json")
    message = str(error.value)
    assert all(p in message for p in ["unknown type 'decimal'", "non-empty list of column names", "defined twice"])


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--rules", "{tmp}/missing.json"], "rules file not found"),
        (["--input", "{tmp}/missing.csv"], "missing.csv not found"),
        (["--input-format", "avro"], "invalid choice"),
        (["--failure-threshold", "1.5"], "between 0 and 1"),
    ],
)
def test_gate_cli_errors_exit_1(dataset, tmp_path, capsys, args, fragment):
    root, _ = dataset
    base = {"--input": str(root / "bars.csv"), "--input-format": "csv", "--rules": str(root / "rules.json"),
            "--report": str(tmp_path / "r.json")}  # fmt: skip
    base[args[0]] = args[1].format(tmp=tmp_path)
    code = data_quality.main([item for pair in base.items() for item in pair])
    err = capsys.readouterr().err.strip()
    assert code == 1 and fragment in err and len(err.splitlines()) == 1


def _verdict_run(root, verdict_uri, *extra, rules=None):
    return run_gate(root, "--verdict", verdict_uri, *extra, rules=rules)


def test_with_verdict_a_stop_exits_0_and_writes_the_verdict_object(dataset, tmp_path):
    root, _ = dataset
    _, report, _ = run_gate(root, "--failure-threshold", "1.0")
    threshold = report["failing_fraction"] * 0.99  # just below: the gate stops
    # A file: URI goes through Hadoop's FileSystem, the path s3:// takes on EMR.
    stop_path, pass_path = tmp_path / "stop" / "verdict.json", tmp_path / "pass" / "verdict.json"
    stop_code, stop_report, stop_out = _verdict_run(root, f"file://{stop_path}", "--failure-threshold", repr(threshold))
    pass_code, _, _ = _verdict_run(root, pass_path, "--failure-threshold", "1.0")
    assert (stop_code, pass_code) == (0, 0)
    stopped, passed = json.loads(stop_path.read_text()), json.loads(pass_path.read_text())
    assert set(stopped) == {"verdict", "job", "reason", "details"}
    assert (stopped["verdict"], stopped["job"], passed["verdict"]) == ("stop", "data_quality", "pass")
    assert stopped["reason"] == stop_report["reason"] and "\n" not in stopped["reason"]
    assert stopped["details"]["failing_rows"] == stop_report["failing_rows"] > 0
    assert stopped["details"]["failure_threshold"] == threshold
    assert "data_quality: gate_failed in" in stop_out and f"verdict: file://{stop_path}" in stop_out


def test_with_verdict_an_empty_input_is_a_stop_and_a_broken_gate_still_exits_1(dataset, tmp_path, capsys):
    root, _ = dataset
    (tmp_path / "bars.csv").write_text("symbol,market,timestamp,close,volume\n")
    code, _, _ = _verdict_run(tmp_path, tmp_path / "empty.json", rules=root / "rules.json")
    assert code == 0 and json.loads((tmp_path / "empty.json").read_text())["verdict"] == "stop"
    code, _, _ = _verdict_run(root, tmp_path / "broken.json", rules=tmp_path / "missing.json")
    assert code == 1 and not (tmp_path / "broken.json").exists()
    assert "rules file not found" in capsys.readouterr().err


def test_a_verdict_path_that_is_a_directory_is_refused_before_spark(dataset, tmp_path, capsys):
    root, _ = dataset
    code, _, _ = _verdict_run(root, tmp_path)
    assert code == 1 and f"--verdict {tmp_path} is a directory" in capsys.readouterr().err


def test_the_pipeline_rules_file_is_the_one_copy_and_passes_the_committed_sample(tmp_path):
    # financialDaily's gate reads s3://<artifacts>/jobs/rules/ohlcv.json, deployed from spark-jobs/rules/ohlcv.json;
    # run-local.sh and the CLI's sample upload read the same file.
    spark_jobs = Path(__file__).resolve().parents[1]
    rules = spark_jobs / "rules" / "ohlcv.json"
    assert not list((spark_jobs / "data").rglob("*rules*.json"))
    sample = spark_jobs / "data" / "sample" / "ohlcv.csv"
    argv = ["--input", sample, "--rules", rules, "--report", tmp_path / "report.json", "--verdict", tmp_path / "v.json"]
    with contextlib.redirect_stdout(io.StringIO()):
        code = data_quality.main([str(a) for a in argv])
    assert code == 0
    report = json.loads((tmp_path / "report.json").read_text())
    declared = {rule["name"] for rule in json.loads(rules.read_text())["rules"]}
    assert declared <= {rule["name"] for rule in report["rules"]} and report["failing_rows"] > 0
    assert json.loads((tmp_path / "v.json").read_text())["verdict"] == "pass"
