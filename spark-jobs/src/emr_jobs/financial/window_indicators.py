"""Indicators that only need a bounded look-back: window functions per symbol in timestamp order.

Each value is null until its window holds the full look-back, as in TA-Lib.
"""

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from emr_jobs.financial.recursive_indicators import RSI_COLUMN
from emr_jobs.financial.settings import IndicatorSettings


def by_symbol() -> Window:
    """Each symbol's bars in time order (a function: window specs need a running SparkContext)."""
    return Window.partitionBy("symbol").orderBy("timestamp")


def sma_column(window: int) -> str:
    return f"sma_{window}"


def trailing(bars: int) -> Window:
    """The current bar and the bars-1 before it."""
    return by_symbol().rowsBetween(-(bars - 1), Window.currentRow)


def when_full(bars: int, value: Column) -> Column:
    return F.when(F.count(F.lit(1)).over(trailing(bars)) == bars, value)


def _direction(close: Column, average: Column) -> Column:
    return F.when(close > average, "UP").when(close < average, "DOWN").when(close == average, "FLAT")


def add_window_indicators(bars: DataFrame, settings: IndicatorSettings) -> DataFrame:
    close = F.col("close")
    previous_close = F.lag(close).over(by_symbol())
    period, width = settings.bollinger_period, settings.bollinger_stddev
    with_values = bars.select(
        "*",
        (close - previous_close).alias("price_change"),
        # TA-Lib's ROC: (price/prevPrice - 1) * 100
        ((close / previous_close - 1.0) * 100.0).alias("price_change_pct"),
        *[when_full(w, F.avg(close).over(trailing(w))).alias(sma_column(w)) for w in settings.sma_windows],
        when_full(period, F.avg(close).over(trailing(period))).alias("bb_middle"),
        when_full(period, F.stddev_pop(close).over(trailing(period))).alias("bb_stddev"),
        when_full(settings.volatility_period, F.stddev_samp(close).over(trailing(settings.volatility_period))).alias(
            f"volatility_{settings.volatility_period}"
        ),
    )
    short, long = F.col(sma_column(settings.sma_short)), F.col(sma_column(settings.sma_long))
    spread, previous_spread = short - long, F.lag(short - long).over(by_symbol())
    rsi = F.col(RSI_COLUMN)
    return with_values.select(
        "*",
        (F.col("bb_middle") + F.col("bb_stddev") * width).alias("bb_upper"),
        (F.col("bb_middle") - F.col("bb_stddev") * width).alias("bb_lower"),
        _direction(close, short).alias("trend_short"),
        _direction(close, long).alias("trend_long"),
        # Null until both averages exist on this bar and the one before; a cross is a change of sign.
        F.when(spread.isNull() | previous_spread.isNull(), None)
        .when((previous_spread <= 0) & (spread > 0), "GOLDEN_CROSS")
        .when((previous_spread >= 0) & (spread < 0), "DEATH_CROSS")
        .otherwise("NONE")
        .alias("ma_crossover"),
        F.when(rsi > 70, "OVERBOUGHT").when(rsi < 30, "OVERSOLD").when(rsi.isNotNull(), "NEUTRAL").alias("rsi_signal"),
    )
