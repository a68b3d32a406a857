"""Every indicator the processor writes, computed by Spark on generated series, against TA-Lib (and pandas for
the sample stddev)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
import talib
from support import START, assert_series_close, bars_from_closes, random_walk, to_pandas_sorted, valid_bars_frame

from emr_jobs.financial.settings import IndicatorSettings
from emr_jobs.jobs.financial_data_processor import compute_indicators

CUSTOM = IndicatorSettings(sma_windows=(5, 30), rsi_period=7, bollinger_period=10, bollinger_stddev=1.5)


def _irregular_times(bars: int, seed: int) -> list[dt.datetime]:
    """Gaps of one hour to three days between bars: indicators count bars, not clock time."""
    gaps = np.random.default_rng(seed).choice([1, 1, 1, 4, 24, 72], size=bars)
    return [START + dt.timedelta(hours=int(h)) for h in np.cumsum(gaps)]


@pytest.fixture(scope="module")
def series():
    return {
        "STEADY": bars_from_closes("STEADY", random_walk(260, seed=11), market="NYSE"),
        "WILD": bars_from_closes("WILD", random_walk(180, seed=12, sigma=0.04), market="NASDAQ"),
        "GAPPY": bars_from_closes("GAPPY", random_walk(120, seed=13), times=_irregular_times(120, 13)),
    }


def _computed(spark, series, settings):
    bars = pd.concat(series.values(), ignore_index=True).sample(frac=1.0, random_state=5)  # arrival order shuffled
    return to_pandas_sorted(compute_indicators(valid_bars_frame(spark, bars), settings), "symbol", "timestamp")


@pytest.fixture(scope="module", params=[IndicatorSettings(), CUSTOM], ids=["defaults", "custom"])
def computed(request, spark, series):
    return request.param, _computed(spark, series, request.param)


@pytest.mark.parametrize("symbol", ["STEADY", "WILD", "GAPPY"])
def test_every_indicator_matches_talib(computed, series, symbol):
    settings, frame = computed
    rows = frame[frame["symbol"] == symbol]
    closes = series[symbol]["close"].to_numpy()
    assert len(rows) == len(closes)
    assert_series_close(rows["close"], closes, "bars out of order")
    for window in settings.sma_windows:
        assert_series_close(rows[f"sma_{window}"], talib.SMA(closes, timeperiod=window), f"SMA({window})")
    for period in settings.ema_periods:
        assert_series_close(rows[f"ema_{period}"], talib.EMA(closes, timeperiod=period), f"EMA({period})")
    assert_series_close(rows["rsi"], talib.RSI(closes, timeperiod=settings.rsi_period), "RSI")
    width = settings.bollinger_stddev
    upper, middle, lower = talib.BBANDS(
        closes, timeperiod=settings.bollinger_period, nbdevup=width, nbdevdn=width, matype=0
    )
    assert_series_close(rows["bb_upper"], upper, "BBANDS upper")
    assert_series_close(rows["bb_middle"], middle, "BBANDS middle")
    assert_series_close(rows["bb_lower"], lower, "BBANDS lower")
    assert_series_close(
        rows["bb_stddev"], talib.STDDEV(closes, timeperiod=settings.bollinger_period, nbdev=1), "STDDEV"
    )
    sample_std = pd.Series(closes).rolling(settings.volatility_period).std(ddof=1)
    assert_series_close(rows[f"volatility_{settings.volatility_period}"], sample_std, "volatility (sample stddev)")
    assert_series_close(rows["price_change"], talib.MOM(closes, timeperiod=1), "MOM(1)")
    assert_series_close(rows["price_change_pct"], talib.ROC(closes, timeperiod=1), "ROC(1)")
