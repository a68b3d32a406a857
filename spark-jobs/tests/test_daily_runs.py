"""The financial processor day after day, as a pipeline runs it: each day's folder as --input, the folders of the
days before as --history look-back, --date the day. Its outputs equal one run over the whole range, each day keeps
its own metrics and picture, and a --date that matches no bar says so."""

import contextlib
import io
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from support import bars_from_closes, random_walk

from emr_jobs.datagen import generate_bars, write_bars
from emr_jobs.financial.settings import IndicatorSettings
from emr_jobs.financial.symbol_indicators import indicators_of_symbol
from emr_jobs.jobs import financial_data_processor

DAYS = ("2024-03-01", "2024-03-02", "2024-03-03")
SYMBOLS, BARS_PER_DAY, BAD_ROWS = 3, 24, 14  # hourly bars: 24 a day per symbol
LOOKBACK_DAYS = 3  # reaches back to the first day from day 3, and one day more (2024-02-29, missing)
UNDATED_FOLDER = DAYS[1]  # rows without a usable timestamp sit in day 2's folder


def run(*args) -> tuple[int, str]:
    with contextlib.redirect_stdout(io.StringIO()) as stdout:
        code = financial_data_processor.main([str(a) for a in args])
    return code, stdout.getvalue()


def run_files(output: Path, day: str) -> Path:
    return output / "_runs" / f"date={day}"


@pytest.fixture(scope="module")
def days(tmp_path_factory):
    root = tmp_path_factory.mktemp("daily")
    good = SYMBOLS * BARS_PER_DAY * len(DAYS)
    generated = generate_bars(rows=good + BAD_ROWS, symbols=SYMBOLS, seed=23, interval_minutes=60,
                              bad_row_fraction=BAD_ROWS / (good + BAD_ROWS), anomaly_fraction=0.02,
                              start=pd.Timestamp(DAYS[0], tz="UTC").to_pydatetime())  # fmt: skip
    rows = generated.rows
    folder_of = rows["timestamp"].fillna("").str[:10].where(lambda d: d.isin(DAYS), UNDATED_FOLDER)
    for day in DAYS:
        write_bars(rows[folder_of == day], root / "raw" / day / "bars.csv", "csv")
    write_bars(rows, root / "all.csv", "csv")

    full = run("--input", root / "all.csv", "--output", root / "full")
    history = ["--history", root / "raw", "--lookback-days", LOOKBACK_DAYS]
    daily = [run("--input", root / "raw" / day, *history, "--date", day, "--output", root / "daily") for day in DAYS]
    # The same days without the look-back: what the pipeline computed before --history.
    alone = run("--input", root / "raw" / DAYS[2], "--date", DAYS[2], "--output", root / "alone")
    return {"root": root, "generated": generated, "full": full, "daily": daily, "alone": alone}


def _indicators(output: Path, day: str) -> pd.DataFrame:
    frame = pd.read_parquet(output / "indicators")
    frame = frame.assign(market=frame["market"].astype(str), date=frame["date"].astype(str))
    return frame[frame["date"] == day].sort_values(["symbol", "timestamp"]).reset_index(drop=True)


def test_every_run_succeeds(days):
    assert days["full"][0] == 0, days["full"][1]
    assert [code for code, _ in days["daily"]] == [0, 0, 0], [out for _, out in days["daily"]]
    assert days["alone"][0] == 0


@pytest.mark.parametrize("day", DAYS)
def test_each_day_equals_that_day_of_one_run_over_all_three(days, day):
    # Exact, not within a tolerance: with the look-back reaching the first bar, every symbol's series that the
    # per-symbol pass sees on day N is the same series, in the same order, as in the full run, so every
    # rolling sum and every EMA/RSI recursion performs the same floating-point operations.
    daily, full = _indicators(days["root"] / "daily", day), _indicators(days["root"] / "full", day)
    assert len(daily) == SYMBOLS * BARS_PER_DAY
    pd.testing.assert_frame_equal(daily, full[daily.columns], check_exact=True)


def test_without_the_look_back_day_3_differs(days):
    alone, full = _indicators(days["root"] / "alone", DAYS[2]), _indicators(days["root"] / "full", DAYS[2])
    assert alone["sma_50"].isna().all() and full["sma_50"].notna().sum() == SYMBOLS * (BARS_PER_DAY - 1)
    assert not alone["ema_26"].equals(full["ema_26"])


def test_day_3_records_the_days_it_read_and_the_ones_missing(days):
    metrics = json.loads((run_files(days["root"] / "daily", DAYS[2]) / "_metrics.json").read_text())
    assert metrics["history"] == {"root": str(days["root"] / "raw"), "lookback_days": LOOKBACK_DAYS,
                                  "days_read": list(DAYS[:2]), "days_missing": ["2024-02-29"]}  # fmt: skip
    assert metrics["history_rows"] >= 2 * SYMBOLS * BARS_PER_DAY
    assert metrics["dates"] == [DAYS[2]]
    # 48 bars before day 3 per symbol, fewer than the 101 the default z-score window needs: said, not hidden.
    assert metrics["lookback"] == {"bars_needed_for_complete_windows": 101, "fewest_bars_before_date": 48,
                                   "symbols_short": SYMBOLS, "windows_complete": False}  # fmt: skip
    assert "Look-back: 2 of 3 days" in days["daily"][2][1] and "missing 2024-02-29" in days["daily"][2][1]


def test_each_day_keeps_its_own_metrics_and_picture(days):
    output = days["root"] / "daily"
    assert not (output / "_metrics.json").exists() and not (output / "overview.png").exists()
    for day in DAYS:
        metrics = json.loads((run_files(output, day) / "_metrics.json").read_text())
        assert metrics["dates"] == [day] and metrics["parameters"]["date"] == day
        assert (run_files(output, day) / "overview.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert metrics["outputs"]["picture"]["path"] == str(run_files(output, day) / "overview.png")
    # Every file a daily run wrote is under a date: the archive's `/date=D/` filter finds a whole day.
    undated = [p for p in output.rglob("*") if p.is_file() and not re.search(r"/date=\d{4}-\d\d-\d\d/", str(p))]
    assert undated == []


def test_a_look_back_day_s_bad_rows_are_filed_once_by_their_own_day(days):
    rejected = pd.read_parquet(days["root"] / "daily" / "rejected")
    bad = days["generated"].bad_rows
    assert len(rejected) == len(bad)
    assert rejected["reject_reason"].value_counts().to_dict() == bad["kind"].value_counts().to_dict()
    undated = rejected[rejected["reject_reason"].isin(["null_timestamp", "unparsable_timestamp"])]
    assert len(undated) >= 1 and set(undated["date"].astype(str)) == {UNDATED_FOLDER}


def test_a_date_with_no_bars_names_the_date_the_input_s_dates_and_the_fix(days, capsys):
    code, _ = run("--input", days["root"] / "raw" / UNDATED_FOLDER, "--date", "2026-01-05",
                  "--output", days["root"] / "wrong-date")  # fmt: skip
    err = capsys.readouterr().err.strip()
    undated = int(days["generated"].bad_rows["kind"].isin(["null_timestamp", "unparsable_timestamp"]).sum())
    assert code == 1 and len(err.splitlines()) == 1
    assert err == (
        f"financial_data_processor: ERROR: no bars dated 2026-01-05 in {days['root'] / 'raw' / UNDATED_FOLDER}: "
        f"its bars are dated {UNDATED_FOLDER} to {UNDATED_FOLDER} (1 days); {undated} rows without a usable "
        "timestamp were not processed; fix: --date within that range, or --input the folder of 2026-01-05's bars"
    )
    assert not (days["root"] / "wrong-date" / "rejected").exists()  # nothing of 2026-01-05 was written


def test_unparsable_timestamps_with_a_date_still_name_the_reason(tmp_path, capsys):
    path = tmp_path / "ms.csv"
    path.write_text("symbol,market,timestamp,open,high,low,close,volume\n"
                    "AAA,NYSE,1704153600000,10,11,9,10.5,100\nAAA,NYSE,1704153660000,10,11,9,10.5,100\n")  # fmt: skip
    code, _ = run("--input", path, "--date", "2024-01-02", "--output", tmp_path / "o")
    err = capsys.readouterr().err
    assert code == 1 and "all 2 input rows were rejected; top reason unparsable_timestamp (2 rows)" in err
    assert "epoch seconds" in err


def test_400_bars_of_look_back_bring_every_column_within_1e_10_of_a_full_run():
    # The per-symbol pass alone (no Spark): a series started 400 bars before the compared bars against one started
    # at the first bar. The windows see the same bars, but pandas' rolling sums run from the first bar read, so
    # the last bits differ; EMA/RSI's start has decayed by (25/27)^400 and (13/14)^400.
    settings = IndicatorSettings()
    bars = bars_from_closes("AAA", random_walk(1500, 3))
    full = indicators_of_symbol(bars, settings).iloc[1000:].reset_index(drop=True)
    late = indicators_of_symbol(bars.iloc[600:].reset_index(drop=True), settings).iloc[400:].reset_index(drop=True)
    short = indicators_of_symbol(bars.iloc[900:].reset_index(drop=True), settings).iloc[100:].reset_index(drop=True)
    columns = ["ema_12", "ema_26", "rsi", "sma_20", "sma_50", "bb_upper", "volatility_20", "return_zscore"]
    worst = {c: float(np.nanmax(np.abs(late[c] / full[c] - 1))) for c in columns}
    assert max(worst.values()) < 1e-10, worst  # measured: volatility_20 2.8e-11 (running sums of squares)
    assert late["anomaly_type"].equals(full["anomaly_type"]) and late["ma_crossover"].equals(full["ma_crossover"])
    assert np.nanmax(np.abs(short["rsi"] / full["rsi"] - 1)) > 1e-6  # 100 bars are not enough for RSI
