"""EMA and Wilder's RSI (the recursive kernels run inside applyInPandas) against TA-Lib itself."""

import numpy as np
import pytest
import talib
from support import assert_series_close, random_walk

from emr_jobs.financial.recursive_indicators import ema, wilder_rsi


def series_cases():
    flat_then_moving = np.concatenate([np.full(30, 50.0), random_walk(60, seed=3, start=50.0)])
    return {
        "random_walk": random_walk(300, seed=1),
        "volatile": random_walk(200, seed=2, sigma=0.05),
        "flat_then_moving": flat_then_moving,
        "integers_with_repeats": np.array([10, 11, 11, 11, 10, 9, 9, 12, 12, 12, 11, 13, 14, 14, 13] * 6, float),
    }


@pytest.mark.parametrize("case", list(series_cases()))
@pytest.mark.parametrize("period", [2, 5, 12, 26])
def test_ema_matches_talib(case, period):
    closes = series_cases()[case]
    assert_series_close(ema(closes, period), talib.EMA(closes, timeperiod=period), f"EMA({period}) {case}")


@pytest.mark.parametrize("case", list(series_cases()))
@pytest.mark.parametrize("period", [2, 7, 14])
def test_rsi_matches_talib(case, period):
    closes = series_cases()[case]
    assert_series_close(wilder_rsi(closes, period), talib.RSI(closes, timeperiod=period), f"RSI({period}) {case}")


def test_rsi_is_100_without_losses_and_0_on_a_flat_series():
    rising = np.arange(1.0, 41.0)
    flat = np.full(40, 7.25)
    for closes in (rising, flat):
        assert_series_close(wilder_rsi(closes, 14), talib.RSI(closes, timeperiod=14))
    assert np.all(wilder_rsi(rising, 14)[14:] == 100.0)
    assert np.all(wilder_rsi(flat, 14)[14:] == 0.0)
    assert np.all(np.isnan(wilder_rsi(flat, 14)[:14]))


@pytest.mark.parametrize("bars", [0, 1, 5, 14])
def test_series_shorter_than_the_lookback_give_only_nulls(bars):
    closes = random_walk(bars, seed=4)
    assert np.all(np.isnan(ema(closes, 26))) and np.all(np.isnan(wilder_rsi(closes, 14)))
    if bars:
        assert_series_close(ema(closes, 26), talib.EMA(closes, timeperiod=26))
        assert_series_close(wilder_rsi(closes, 14), talib.RSI(closes, timeperiod=14))
