"""Categorical signals, each checked against its definition applied to the numeric columns."""

import numpy as np
import pandas as pd
import pytest
from support import bars_from_closes, random_walk, to_pandas_sorted, valid_bars_frame

from emr_jobs.financial.settings import IndicatorSettings
from emr_jobs.jobs.financial_data_processor import compute_indicators

SETTINGS = IndicatorSettings(sma_windows=(5, 20))


@pytest.fixture(scope="module")
def frame(spark):
    # Strong swings so every category occurs: crosses both ways, overbought and oversold stretches.
    t = np.arange(400)
    closes = 100 + 15 * np.sin(t / 12.0) + random_walk(400, seed=21, start=1.0, sigma=0.02)
    bars = pd.concat([bars_from_closes("SWING", closes), bars_from_closes("CALM", random_walk(90, seed=22))])
    return to_pandas_sorted(compute_indicators(valid_bars_frame(spark, bars), SETTINGS), "symbol", "timestamp")


def _direction(close, average):
    if pd.isna(average):
        return None
    return "UP" if close > average else "DOWN" if close < average else "FLAT"


def test_trends_compare_close_with_short_and_long_averages(frame):
    expected_short = [_direction(c, a) for c, a in zip(frame["close"], frame["sma_5"], strict=True)]
    expected_long = [_direction(c, a) for c, a in zip(frame["close"], frame["sma_20"], strict=True)]
    assert frame["trend_short"].tolist() == expected_short
    assert frame["trend_long"].tolist() == expected_long
    assert {"UP", "DOWN"} <= set(frame["trend_long"].dropna())


def test_crossovers_mark_the_bar_where_the_short_average_crosses_the_long(frame):
    for _, rows in frame.groupby("symbol"):
        spread = (rows["sma_5"] - rows["sma_20"]).to_numpy()
        previous = np.concatenate([[np.nan], spread[:-1]])
        expected = [
            None
            if np.isnan(now) or np.isnan(before)
            else "GOLDEN_CROSS"
            if before <= 0 < now
            else "DEATH_CROSS"
            if before >= 0 > now
            else "NONE"
            for now, before in zip(spread, previous, strict=True)
        ]
        assert rows["ma_crossover"].tolist() == expected
    assert {"GOLDEN_CROSS", "DEATH_CROSS", "NONE"} <= set(frame["ma_crossover"].dropna())


def test_rsi_signal_uses_70_and_30(frame):
    expected = [
        None if pd.isna(r) else "OVERBOUGHT" if r > 70 else "OVERSOLD" if r < 30 else "NEUTRAL" for r in frame["rsi"]
    ]
    assert frame["rsi_signal"].tolist() == expected
    assert {"OVERBOUGHT", "OVERSOLD", "NEUTRAL"} <= set(frame["rsi_signal"].dropna())
