"""The financial overview draws long series from each pixel bucket's extreme bars (picture._extremes)."""

import numpy as np
import pandas as pd

from emr_jobs.financial.picture import _extremes, draw_overview


def _bars(n: int, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    close = 100 + np.cumsum(rng.normal(0, 1, n))
    close[n // 3] += 500  # a one-bar spike, the kind a thinned line must not lose
    middle = pd.Series(close).rolling(20).mean().to_numpy()
    return pd.DataFrame(
        {
            "symbol": "S",
            "market": "NYSE",
            "timestamp": pd.date_range("2024-01-01", periods=n, freq="5min"),
            "close": close,
            "bb_upper": middle + 3,
            "bb_middle": middle,
            "bb_lower": middle - 3,
            "anomaly_type": np.where(np.arange(n) % 97 == 0, "PRICE", None),
        }
    )


def test_a_short_series_is_drawn_whole():
    bars = _bars(500)
    assert _extremes(bars, buckets=100) is bars


def test_a_long_series_keeps_each_buckets_first_last_and_extremes():
    bars = _bars(20_000)
    drawn = _extremes(bars, buckets=700)
    assert 700 * 2 <= len(drawn) <= 700 * 6 < len(bars)
    assert drawn["timestamp"].is_monotonic_increasing
    bucket = np.arange(len(bars)) * 700 // len(bars)
    for column, pick in (("close", "idxmax"), ("close", "idxmin"), ("bb_lower", "idxmin"), ("bb_upper", "idxmax")):
        expected = set(getattr(bars[column].groupby(bucket), pick)().dropna().astype(int))
        # Every bucket has a close; the bands start after 20 bars, which can leave the first bucket without one.
        assert (len(expected) == 700) if column == "close" else (len(expected) >= 699)
        assert expected <= set(drawn.index), f"a bucket's {pick} of {column} was dropped"
    assert {0, len(bars) - 1} <= set(drawn.index)
    assert drawn["close"].max() == bars["close"].max()  # the spike is drawn


def test_every_anomaly_is_marked_even_where_the_lines_are_thinned():
    bars = _bars(20_000)
    png, facts = draw_overview(bars, 1, "test")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert facts.anomaly_markers == int(bars["anomaly_type"].notna().sum()) > 200
    assert facts.bars_plotted == len(bars)
