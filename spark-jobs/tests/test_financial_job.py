"""The financial processor end to end on generated data: outputs, metrics, conservation, reruns, dates, formats."""

import contextlib
import io
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from chispa import assert_df_equality
from table_agreement import assert_table_agrees

from emr_jobs.datagen import generate_bars, write_bars
from emr_jobs.financial.tables import TABLES
from emr_jobs.jobs import financial_data_processor

SYMBOLS, ROWS = 4, 720
DATASETS = ("indicators", "market_summary", "anomalies", "rejected")


def run(*args: str) -> tuple[int, str]:
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = financial_data_processor.main([str(a) for a in args])
    return code, stdout.getvalue()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("financial")
    params = {"rows": ROWS, "symbols": SYMBOLS, "seed": 9, "interval_minutes": 120, "anomaly_fraction": 0.02}
    text = generate_bars(**params, bad_row_fraction=0.03)
    typed = generate_bars(**params, bad_row_fraction=0.03, input_format="parquet")
    write_bars(text.rows, root / "bars.csv", "csv")
    write_bars(text.rows, root / "bars.json", "json")
    write_bars(typed.rows, root / "bars.parquet", "parquet")
    return {"root": root, "generated": text, "typed": typed}


@pytest.fixture(scope="module")
def full(spark, data):
    output = data["root"] / "full"
    code, stdout = run("--input", data["root"] / "bars.csv", "--input-format", "csv", "--output", output)
    return {"code": code, "stdout": stdout, "output": output, "frames": _read_outputs(spark, output)}


def _read_outputs(spark, output: Path) -> dict:
    return {name: spark.read.parquet(str(output / name)).cache() for name in DATASETS if (output / name).exists()}


def _sorted(frame):
    return frame.select(sorted(frame.columns)).orderBy(*sorted(frame.columns))


def _metrics(output: Path, day: str | None = None) -> dict:
    """The run's record: at the output root, or under _runs/date=<day>/ for a run with --date."""
    where = output if day is None else output / "_runs" / f"date={day}"
    return json.loads((where / "_metrics.json").read_text())


def test_a_run_logs_grepable_lines_and_ends_with_a_summary_not_the_json(full, data):
    assert full["code"] == 0
    stdout, metrics = full["stdout"], _metrics(full["output"])
    assert int(re.search(r"Loaded (\d+) rows", stdout).group(1)) == ROWS
    assert int(re.search(r"Rejected (\d+) rows", stdout).group(1)) == len(data["generated"].bad_rows)
    assert int(re.search(r"Anomalies (\d+)", stdout).group(1)) == metrics["anomalies"]
    for dataset in DATASETS:
        assert re.search(rf"Wrote \d+ rows of {dataset} to \S+/{dataset}", stdout)
    assert "\n{" not in stdout and stdout.rstrip().endswith(str(full["output"] / "_metrics.json"))


def test_metrics_record_counts_scope_and_versions(full, data):
    metrics, frames = _metrics(full["output"]), full["frames"]
    assert metrics["job"] == "financial_data_processor" and metrics["status"] == "succeeded"
    assert metrics["input_rows"] == ROWS == metrics["valid_rows"] + metrics["rejected_rows"]
    assert metrics["rejected_by_reason"] == data["generated"].bad_rows["kind"].value_counts().to_dict()
    assert metrics["anomalies"] == frames["anomalies"].count()
    assert metrics["symbols"] == SYMBOLS and metrics["markets"] == ["NASDAQ", "NYSE"]
    dates = sorted(r["date"].isoformat() for r in frames["indicators"].select("date").distinct().collect())
    assert metrics["dates"] == dates
    assert metrics["outputs"]["indicators"]["rows"] == frames["indicators"].count()
    assert metrics["spark_version"] == "3.5.6" and metrics["python_version"].startswith("3.11")
    assert metrics["duration_seconds"] > 0


def test_every_input_row_is_either_an_indicator_row_or_a_rejected_row(full, data):
    frames = full["frames"]
    assert frames["indicators"].count() + frames["rejected"].count() == ROWS
    found = {r["reject_reason"]: r["count"] for r in frames["rejected"].groupBy("reject_reason").count().collect()}
    assert found == data["generated"].bad_rows["kind"].value_counts().to_dict()


def test_outputs_are_snappy_parquet_partitioned_by_market_and_date(full):
    output = full["output"]
    for dataset in ("indicators", "market_summary", "anomalies"):
        partitions = {p.relative_to(output / dataset).parts[:2] for p in (output / dataset).rglob("*.parquet")}
        assert partitions and all(re.fullmatch(r"market=\w+", m) and re.fullmatch(r"date=\d{4}-\d\d-\d\d", d)
                                  for m, d in partitions)  # fmt: skip
        assert all(p.name.endswith(".snappy.parquet") for p in (output / dataset).rglob("*.parquet"))
    assert all(p.parent.name.startswith("date=") for p in (output / "rejected").rglob("*.parquet"))


def test_planted_anomalies_are_found_with_their_kind(full, data):
    found = full["frames"]["anomalies"].toPandas()
    found["timestamp"] = found["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    detected = {(r.symbol, r.timestamp): r.anomaly_type for r in found.itertuples()}
    planted = data["generated"].planted_anomalies
    assert len(planted) > 5
    for row in planted.itertuples():
        kind = detected.get((row.symbol, row.timestamp))
        assert kind is not None and set(row.anomaly_type.split("_")) <= set(kind.split("_")), row


def test_market_summary_matches_a_recomputation_from_the_indicators(full):
    bars = full["frames"]["indicators"].toPandas().sort_values(["symbol", "timestamp"])
    last = bars.groupby(["market", "symbol", "date"]).tail(1).set_index(["market", "symbol", "date"])
    days = pd.DataFrame(
        {
            "close": last["close"],
            "volatility": last["volatility_20"],
            "rsi": last["rsi"],
            "volume": bars.groupby(["market", "symbol", "date"])["volume"].sum(),
            "anomalies": bars.groupby(["market", "symbol", "date"])["anomaly_type"].count(),
        }
    ).reset_index()
    days["change_pct"] = (days["close"] / days.groupby(["market", "symbol"])["close"].shift(1) - 1) * 100
    grouped = days.groupby(["market", "date"])
    expected = pd.DataFrame(
        {
            "symbol_count": grouped["symbol"].count(),
            "avg_price": grouped["close"].mean(),
            "total_volume": grouped["volume"].sum(),
            "avg_change_pct": grouped["change_pct"].mean(),
            "avg_volatility": grouped["volatility"].mean(),
            "avg_rsi": grouped["rsi"].mean(),
            "gainers": grouped["change_pct"].apply(lambda s: int((s > 0).sum())),
            "losers": grouped["change_pct"].apply(lambda s: int((s < 0).sum())),
            "anomalies": grouped["anomalies"].sum(),
        }
    ).reset_index()
    expected["sentiment"] = [
        "BULLISH" if c > 1 else "BEARISH" if c < -1 else "NEUTRAL" for c in expected["avg_change_pct"].fillna(0)
    ]
    actual = full["frames"]["market_summary"].toPandas().sort_values(["market", "date"]).reset_index(drop=True)
    expected = expected.sort_values(["market", "date"]).reset_index(drop=True)
    assert {"BULLISH", "BEARISH"} <= set(actual["sentiment"])
    for column in expected.columns:
        if expected[column].dtype == object:
            assert actual[column].tolist() == expected[column].tolist(), column
        else:
            pd.testing.assert_series_equal(
                actual[column].astype(float), expected[column].astype(float), rtol=1e-9, check_names=False
            )


def test_a_rerun_produces_identical_outputs_without_duplicates(spark, full, data):
    code, _ = run("--input", data["root"] / "bars.csv", "--input-format", "csv", "--output", full["output"])
    assert code == 0
    again = _read_outputs(spark, full["output"])
    for dataset in DATASETS:
        assert_df_equality(
            _sorted(again[dataset]), _sorted(full["frames"][dataset].toDF(*full["frames"][dataset].columns))
        )


def test_a_dated_run_writes_only_that_date_using_earlier_bars_as_look_back(spark, full, data):
    day = "2024-01-08"
    output = data["root"] / "dated"
    code, _ = run("--input", data["root"] / "bars.csv", "--output", output, "--date", day)
    assert code == 0
    written = _read_outputs(spark, output)
    for dataset in ("indicators", "market_summary"):
        assert {str(r["date"]) for r in written[dataset].select("date").distinct().collect()} == {day}
        expected = full["frames"][dataset].filter(f"date = '{day}'")
        assert_df_equality(_sorted(written[dataset]), _sorted(expected))
    assert written["indicators"].filter("sma_50 IS NOT NULL").count() > 0  # look-back came from earlier dates
    metrics = _metrics(output, day)
    assert not (output / "_metrics.json").exists()  # a dated run's record lives under its date
    in_scope = full["frames"]["indicators"].filter(f"date = '{day}'").count() + metrics["rejected_rows"]
    assert metrics["input_rows"] == in_scope and metrics["history_rows"] > 0 and metrics["later_rows_ignored"] > 0
    assert metrics["dates"] == [day]


def test_a_dated_rerun_replaces_that_dates_partitions_and_nothing_else(full, data, tmp_path):
    output = tmp_path / "copy"
    shutil.copytree(full["output"], output)
    day = "2024-01-05"

    def files():
        return {str(p.relative_to(output)): p.stat().st_mtime_ns for p in (output / "indicators").rglob("*.parquet")}

    before = files()
    code, _ = run("--input", data["root"] / "bars.csv", "--output", output, "--date", day)
    assert code == 0
    after = files()
    untouched = {name for name in before if f"date={day}" not in name}
    assert {name: after.get(name) for name in untouched} == {name: before[name] for name in untouched}
    replaced = {name for name in after if f"date={day}" in name}
    assert replaced and replaced.isdisjoint(before)


@pytest.mark.parametrize("input_format", ["json", "parquet"])
def test_each_input_format_gives_the_same_indicators(spark, full, data, input_format):
    output = data["root"] / f"from_{input_format}"
    code, _ = run("--input", data["root"] / f"bars.{input_format}", "--input-format", input_format, "--output", output)
    assert code == 0
    written = _read_outputs(spark, output)
    assert_df_equality(_sorted(written["indicators"]), _sorted(full["frames"]["indicators"]))
    generated = data["generated"] if input_format == "json" else data["typed"]
    assert _metrics(output)["rejected_by_reason"] == generated.bad_rows["kind"].value_counts().to_dict()


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.name)
def test_each_dataset_is_written_as_its_table_declares(full, table):
    assert_table_agrees(table, full["output"])
