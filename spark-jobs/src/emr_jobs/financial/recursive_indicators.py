"""EMA and Wilder's RSI: recursive, so they run per symbol in timestamp order through applyInPandas.

The arithmetic follows TA-Lib's C code step by step (default compatibility, no unstable period):
- EMA(n): seeded at bar n-1 with the simple average of the first n closes, then prev + k*(x - prev), k = 2/(n+1).
- RSI(n): average gain and loss of the first n changes, then Wilder smoothing avg = (avg*(n-1) + x)/n, output
  100*avgGain/(avgGain+avgLoss) from bar n on: 100 with no losses, 0 when gain+loss is (TA-Lib's) zero, so the
  value is never null once the lookback is met, unlike the common 100 - 100/(1+RS).
"""

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from pyspark.sql import DataFrame
from pyspark.sql.types import DoubleType, StructField, StructType

RSI_COLUMN = "rsi"
# TA_IS_ZERO in TA-Lib's ta_func.h: anything this close to zero counts as zero.
_TA_LIB_EPSILON = 1e-8


def ema_column(period: int) -> str:
    return f"ema_{period}"


def ema(closes: np.ndarray, period: int) -> np.ndarray:
    values = np.asarray(closes, dtype="float64").tolist()  # plain floats: the loop is 5x faster than numpy scalars
    if len(values) < period:
        return np.full(len(values), math.nan)
    k = 2.0 / (period + 1)
    total = 0.0
    for value in values[:period]:
        total += value
    previous = total / period
    result = [math.nan] * (period - 1)
    result.append(previous)
    append = result.append
    for value in values[period:]:
        previous = (value - previous) * k + previous
        append(previous)
    return np.array(result)


def _rsi_value(average_gain: float, average_loss: float) -> float:
    total = average_gain + average_loss
    return 100.0 * (average_gain / total) if not -_TA_LIB_EPSILON < total < _TA_LIB_EPSILON else 0.0


def wilder_rsi(closes: np.ndarray, period: int) -> np.ndarray:
    values = np.asarray(closes, dtype="float64")
    if len(values) <= period:
        return np.full(len(values), math.nan)
    # Each change split into its gain and its loss (the other one 0.0): adding 0.0 or subtracting a negative
    # change are exact, so these sums are bit for bit TA-Lib's branchy ones, in one vectorised step.
    changes = np.diff(values)
    gains = np.where(changes < 0, 0.0, changes).tolist()
    losses = np.where(changes < 0, -changes, 0.0).tolist()
    gain = loss = 0.0
    for i in range(period):
        gain += gains[i]
        loss += losses[i]
    gain /= period
    loss /= period
    result = [math.nan] * period
    result.append(_rsi_value(gain, loss))
    append, keep, low, high = result.append, period - 1, -_TA_LIB_EPSILON, _TA_LIB_EPSILON
    for up, down in zip(gains[period:], losses[period:], strict=True):
        gain = (gain * keep + up) / period
        loss = (loss * keep + down) / period
        total = gain + loss  # _rsi_value, inlined: this loop runs once per bar
        append(100.0 * (gain / total) if not low < total < high else 0.0)
    return np.array(result)


def add_recursive_indicators(bars: DataFrame, ema_periods: Sequence[int], rsi_period: int) -> DataFrame:
    """Adds ema_<n> for each period and `rsi`; one pandas call per symbol, in timestamp order."""
    added = [StructField(ema_column(p), DoubleType()) for p in ema_periods] + [StructField(RSI_COLUMN, DoubleType())]
    output_schema = StructType(bars.schema.fields + added)
    periods = tuple(ema_periods)

    def per_symbol(bars_of_symbol: pd.DataFrame) -> pd.DataFrame:
        ordered = bars_of_symbol.sort_values("timestamp", kind="mergesort").reset_index(drop=True)
        closes = ordered["close"].to_numpy(dtype="float64")
        for period in periods:
            ordered[ema_column(period)] = ema(closes, period)
        ordered[RSI_COLUMN] = wilder_rsi(closes, rsi_period)
        return ordered

    return bars.groupBy("symbol").applyInPandas(per_symbol, schema=output_schema)
