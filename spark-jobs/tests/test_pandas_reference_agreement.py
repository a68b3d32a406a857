"""The Spark processor and the benchmark's independent pandas + TA-Lib reference agree row for row."""

import contextlib
import importlib.util
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from emr_jobs.datagen import generate_bars, write_bars
from emr_jobs.jobs import financial_data_processor

REFERENCE_PATH = Path(__file__).resolve().parents[1] / "bench" / "pandas_reference.py"
NUMERIC = ["price_change", "price_change_pct", "sma_20", "sma_50", "ema_12", "ema_26", "rsi", "bb_upper", "bb_middle",
           "bb_lower", "bb_stddev", "volatility_20", "return_zscore", "volume_zscore"]  # fmt: skip
LABELS = ["trend_short", "trend_long", "ma_crossover", "rsi_signal", "anomaly_type", "risk_level"]


@pytest.fixture(scope="module")
def both(spark, tmp_path_factory):
    spec = importlib.util.spec_from_file_location("pandas_reference", REFERENCE_PATH)
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    root = tmp_path_factory.mktemp("agreement")
    generated = generate_bars(rows=1500, symbols=5, seed=23, interval_minutes=180, anomaly_fraction=0.01)
    write_bars(generated.rows, root / "bars.csv", "csv")
    with contextlib.redirect_stdout(io.StringIO()):
        assert financial_data_processor.main(["--input", str(root / "bars.csv"), "--output", str(root / "spark")]) == 0
    valid, rejected = reference.cleanse(reference.load(root / "bars.csv"))
    expected = reference.compute_indicators(valid)
    actual = spark.read.parquet(str(root / "spark" / "indicators")).toPandas()
    summary = spark.read.parquet(str(root / "spark" / "market_summary")).toPandas()
    return actual, expected, summary, reference.summarize_markets(expected), rejected


def _by_key(frame, *keys):
    return frame.sort_values(list(keys), kind="mergesort").reset_index(drop=True)


def test_indicators_and_labels_agree(both):
    actual, expected, *_ = both
    actual["timestamp"] = pd.to_datetime(actual["timestamp"]).dt.tz_localize("UTC")
    actual, expected = _by_key(actual, "symbol", "timestamp"), _by_key(expected, "symbol", "timestamp")
    assert actual[["symbol", "timestamp"]].equals(expected[["symbol", "timestamp"]])
    for column in NUMERIC:
        a, e = actual[column].to_numpy(dtype="float64"), expected[column].to_numpy(dtype="float64")
        np.testing.assert_array_equal(np.isnan(a), np.isnan(e), err_msg=column)
        np.testing.assert_allclose(a[~np.isnan(e)], e[~np.isnan(e)], rtol=1e-6, atol=1e-9, err_msg=column)
    for column in LABELS:
        assert actual[column].fillna("-").tolist() == expected[column].fillna("-").tolist(), column
    assert actual["anomaly_type"].notna().sum() > 5


def test_market_summaries_agree(both):
    *_, summary, expected_summary, _ = both
    actual, expected = _by_key(summary, "market", "date"), _by_key(expected_summary, "market", "date")
    assert actual["sentiment"].tolist() == expected["sentiment"].tolist()
    for column in ["symbol_count", "avg_price", "avg_volume", "avg_change_pct", "avg_rsi", "gainers", "anomalies"]:
        np.testing.assert_allclose(actual[column].astype(float), expected[column].astype(float), rtol=1e-9)
