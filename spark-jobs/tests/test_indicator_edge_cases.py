"""Flat series, a single bar, a symbol shorter than every window, gaps and out-of-order arrival."""

import numpy as np
import pandas as pd
import talib
from support import assert_series_close, bars_from_closes, random_walk, to_pandas_sorted, valid_bars_frame

from emr_jobs.financial.settings import IndicatorSettings
from emr_jobs.jobs.financial_data_processor import compute_indicators

WINDOWED = ["sma_20", "sma_50", "ema_12", "ema_26", "rsi", "bb_middle", "bb_upper", "bb_lower", "bb_stddev",
            "volatility_20"]  # fmt: skip


DEFAULTS = IndicatorSettings()


def _compute(spark, *frames, settings=DEFAULTS):
    bars = pd.concat(frames, ignore_index=True)
    return to_pandas_sorted(compute_indicators(valid_bars_frame(spark, bars), settings), "symbol", "timestamp")


def test_a_flat_series_has_zero_spread_zero_rsi_and_no_zscores(spark):
    flat = bars_from_closes("FLAT", np.full(130, 42.5), volumes=np.full(130, 500.0))
    rows = _compute(spark, flat)
    closes = flat["close"].to_numpy()
    assert_series_close(rows["rsi"], talib.RSI(closes, timeperiod=14))
    assert (rows["rsi"].iloc[14:] == 0.0).all()
    assert (rows["bb_stddev"].iloc[19:] == 0.0).all() and (rows["volatility_20"].iloc[19:] == 0.0).all()
    assert (rows["bb_upper"].iloc[19:] == rows["bb_middle"].iloc[19:]).all()
    assert (rows["trend_long"].iloc[49:] == "FLAT").all()
    assert rows["return_zscore"].isna().all() and rows["volume_zscore"].isna().all()
    assert rows["anomaly_type"].isna().all()


def test_a_single_bar_gets_no_indicator_and_no_change(spark):
    rows = _compute(spark, bars_from_closes("ONE", [10.0]))
    assert len(rows) == 1
    assert (
        rows[[*WINDOWED, "price_change", "price_change_pct", "trend_short", "ma_crossover", "rsi_signal"]]
        .isna()
        .all(axis=None)
    )


def test_a_symbol_shorter_than_every_window_only_gets_price_changes(spark):
    short = bars_from_closes("SHORT", random_walk(10, seed=31))
    long = bars_from_closes("LONG", random_walk(80, seed=32))
    rows = _compute(spark, short, long)
    short_rows = rows[rows["symbol"] == "SHORT"]
    assert short_rows[WINDOWED].isna().all(axis=None)
    assert_series_close(short_rows["price_change"], talib.MOM(short["close"].to_numpy(), timeperiod=1))
    # the longer symbol in the same run is unaffected
    assert_series_close(rows[rows["symbol"] == "LONG"]["sma_50"], talib.SMA(long["close"].to_numpy(), timeperiod=50))


def test_gaps_in_time_do_not_change_bar_based_indicators(spark):
    closes = random_walk(70, seed=33)
    regular = bars_from_closes("REG", closes)
    gap_times = list(regular["timestamp"].iloc[:35]) + list(regular["timestamp"].iloc[35:] + pd.Timedelta(days=30))
    gapped = bars_from_closes("GAP", closes, times=gap_times)
    rows = _compute(spark, regular, gapped)
    for column in ["sma_20", "sma_50", "ema_26", "rsi", "bb_upper", "volatility_20"]:
        assert_series_close(rows[rows["symbol"] == "GAP"][column], rows[rows["symbol"] == "REG"][column], column)
    assert_series_close(rows[rows["symbol"] == "GAP"]["ema_12"], talib.EMA(closes, timeperiod=12))
