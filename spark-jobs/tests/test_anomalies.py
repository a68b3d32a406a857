"""Return and volume z-scores against the previous N bars (current bar excluded) and the flags they raise."""

import numpy as np
import pandas as pd
import pytest
from support import assert_series_close, bars_from_closes, to_pandas_sorted, valid_bars_frame

from emr_jobs.financial.settings import IndicatorSettings
from emr_jobs.jobs.financial_data_processor import compute_indicators


def _reference_zscores(values: np.ndarray, window: int, min_periods: int) -> np.ndarray:
    """z of each value against the up-to-`window` values before it (sample stddev), NaNs skipped."""
    previous = pd.Series(values).shift(1).rolling(window, min_periods=1)
    mean, std, count = previous.mean(), previous.std(ddof=1), previous.count()
    z = (values - mean) / std
    return np.where((count >= min_periods) & (std > 0), z, np.nan)


def _bars_with_spikes(bars: int, seed: int):
    rng = np.random.default_rng(seed)
    returns = rng.normal(0, 0.01, bars)
    volumes = 1000 * np.exp(rng.normal(0, 0.1, bars))
    returns[60], returns[90] = 0.15, -0.12  # price shocks
    volumes[75], volumes[90] = 20000, 25000  # volume spikes (bar 90 is both)
    returns[10], volumes[10] = 0.08, 8000  # too early: fewer than min_periods previous bars
    return bars_from_closes("SPIKY", 100 * np.exp(np.cumsum(returns)), volumes=volumes)


@pytest.fixture(scope="module")
def spiky(spark):
    bars = _bars_with_spikes(150, seed=41)
    rows = to_pandas_sorted(compute_indicators(valid_bars_frame(spark, bars), IndicatorSettings()), "timestamp")
    return bars, rows


def test_zscores_exclude_the_current_bar_and_wait_for_min_periods(spiky):
    bars, rows = spiky
    returns = rows["price_change_pct"].to_numpy(dtype="float64")
    assert_series_close(rows["return_zscore"], _reference_zscores(returns, 100, 20), "return z")
    assert_series_close(rows["volume_zscore"], _reference_zscores(bars["volume"].to_numpy(), 100, 20), "volume z")
    assert rows["return_zscore"].iloc[:21].isna().all()  # 20 previous returns exist from bar 21 on


def test_planted_spikes_are_flagged_with_type_and_risk(spiky):
    _, rows = spiky
    flagged = rows.dropna(subset=["anomaly_type"]).set_index(rows.dropna(subset=["anomaly_type"]).index)
    assert flagged.loc[60, "anomaly_type"] == "PRICE" and flagged.loc[60, "risk_level"] == "MEDIUM"
    assert flagged.loc[75, "anomaly_type"] == "VOLUME" and flagged.loc[75, "risk_level"] == "MEDIUM"
    assert flagged.loc[90, "anomaly_type"] == "PRICE_VOLUME" and flagged.loc[90, "risk_level"] == "HIGH"
    assert 10 not in flagged.index  # a spike before min periods cannot be scored
    both = flagged["anomaly_type"] == "PRICE_VOLUME"
    assert (flagged.loc[both, "risk_level"] == "HIGH").all() and (flagged.loc[~both, "risk_level"] == "MEDIUM").all()
    is_price = rows["return_zscore"].abs() > 3.0
    is_volume = rows["volume_zscore"].abs() > 3.0
    assert set(flagged.index) == set(rows.index[is_price | is_volume])


def test_a_spike_is_caught_in_a_window_where_it_would_hide_in_its_own_statistics(spark):
    # With 5 bars, a value included in its own sample can never be more than 4/sqrt(5) = 1.8 sigma away.
    volumes = np.array([100, 101, 99, 100, 102, 98, 100, 5000, 100, 101], dtype=float)
    bars = bars_from_closes("HIDE", np.full(10, 10.0) * (1 + np.arange(10) * 1e-3), volumes=volumes)
    settings = IndicatorSettings(zscore_window=5, zscore_min_periods=5)
    rows = to_pandas_sorted(compute_indicators(valid_bars_frame(spark, bars), settings), "timestamp")
    assert rows.loc[7, "anomaly_type"] == "VOLUME"
    included = (volumes[7] - volumes[3:8].mean()) / volumes[3:8].std(ddof=1)
    assert included < 3.0 < rows.loc[7, "volume_zscore"]


def test_the_threshold_decides_what_is_flagged(spark):
    bars = _bars_with_spikes(150, seed=41)
    strict = IndicatorSettings(zscore_threshold=1000.0)
    rows = to_pandas_sorted(compute_indicators(valid_bars_frame(spark, bars), strict), "timestamp")
    assert rows["return_zscore"].notna().any()
    assert rows["anomaly_type"].isna().all()
