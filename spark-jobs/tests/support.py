"""Builders and comparisons the tests share."""

import datetime as dt

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import BooleanType, StringType, StructField, StructType

from emr_jobs.financial.schema import OHLCV_COLUMNS
from emr_jobs.framework.intake import MALFORMED_COLUMN

RTOL, ATOL = 1e-6, 1e-9
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
RAW_SCHEMA = StructType(
    [StructField(name, StringType()) for name in OHLCV_COLUMNS] + [StructField(MALFORMED_COLUMN, BooleanType())]
)


def random_walk(bars: int, seed: int, start: float = 100.0, sigma: float = 0.01) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return start * np.exp(np.cumsum(rng.normal(0.0, sigma, bars)))


def bars_from_closes(symbol: str, closes, market: str = "NYSE", times=None, volumes=None) -> pd.DataFrame:
    """Consistent OHLCV bars around the given closes (open = previous close; high/low bracket both)."""
    closes = np.asarray(closes, dtype="float64")
    opens = np.concatenate([[closes[0]], closes[:-1]])
    times = times if times is not None else [START + dt.timedelta(hours=4 * i) for i in range(len(closes))]
    volumes = volumes if volumes is not None else np.full(len(closes), 1000.0) + np.arange(len(closes)) % 7
    return pd.DataFrame(
        {
            "symbol": symbol,
            "market": market,
            "timestamp": pd.to_datetime(list(times), utc=True),
            "open": opens,
            "high": np.maximum(opens, closes) * 1.001,
            "low": np.minimum(opens, closes) * 0.999,
            "close": closes,
            "volume": np.asarray(volumes, dtype="float64"),
            "source": "test",
        }
    )


def valid_bars_frame(spark: SparkSession, bars: pd.DataFrame) -> DataFrame:
    """Typed valid bars as the cleansing step hands them to the indicators."""
    frame = spark.createDataFrame(
        bars.assign(timestamp=bars["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None)),
        schema="symbol string, market string, timestamp timestamp, open double, high double, low double, "
        "close double, volume double, source string",
    )
    return frame.withColumn("date", F.to_date("timestamp"))


def raw_rows_frame(spark: SparkSession, rows: list[dict]) -> DataFrame:
    """Rows as a reader returns them: every OHLCV column as text, plus the malformed flag."""
    tuples = [(*(row.get(name) for name in OHLCV_COLUMNS), row.get(MALFORMED_COLUMN, False)) for row in rows]
    return spark.createDataFrame(tuples, RAW_SCHEMA)


def valid_text_row(**overrides) -> dict:
    row = {
        "symbol": "AAPL",
        "market": "NASDAQ",
        "timestamp": "2024-01-02T00:00:00Z",
        "open": "100.0",
        "high": "102.0",
        "low": "99.0",
        "close": "101.0",
        "volume": "1000",
        "source": "test",
    }
    row.update(overrides)
    return row


def assert_series_close(actual, expected, label: str = "") -> None:
    """Null exactly where the reference is NaN; elsewhere within 1e-6 relative or 1e-9 absolute."""
    actual = np.asarray(pd.to_numeric(pd.Series(actual), errors="coerce"), dtype="float64")
    expected = np.asarray(expected, dtype="float64")
    assert actual.shape == expected.shape, label
    np.testing.assert_array_equal(np.isnan(actual), np.isnan(expected), err_msg=f"{label}: null positions differ")
    mask = ~np.isnan(expected)
    np.testing.assert_allclose(actual[mask], expected[mask], rtol=RTOL, atol=ATOL, err_msg=label)


def to_pandas_sorted(frame: DataFrame, *keys: str) -> pd.DataFrame:
    return frame.toPandas().sort_values(list(keys), kind="mergesort").reset_index(drop=True)
