"""One row per market and date, built from each symbol's last bar of the day."""

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

BULLISH_ABOVE_PCT = 1.0
BEARISH_BELOW_PCT = -1.0


def symbol_days(indicators: DataFrame, volatility_column: str) -> DataFrame:
    """Each symbol's day: last close, volatility and RSI of the last bar, the day's volume and anomalies, and the
    change of the last close against the previous trading day's last close."""
    last = F.col("timestamp")
    days = indicators.groupBy("market", "symbol", "date").agg(
        F.max_by("close", last).alias("last_close"),
        F.max_by(volatility_column, last).alias("volatility"),
        F.max_by("rsi", last).alias("rsi"),
        F.sum("volume").alias("day_volume"),
        F.count("anomaly_type").alias("anomalies"),
    )
    previous_close = F.lag("last_close").over(Window.partitionBy("market", "symbol").orderBy("date"))
    return days.withColumn("change_pct", (F.col("last_close") / previous_close - 1.0) * 100.0)


def _sentiment(average_change_pct: Column) -> Column:
    return (
        F.when(average_change_pct > BULLISH_ABOVE_PCT, "BULLISH")
        .when(average_change_pct < BEARISH_BELOW_PCT, "BEARISH")
        .otherwise("NEUTRAL")
    )


def summarize_markets(indicators: DataFrame, volatility_column: str) -> DataFrame:
    days = symbol_days(indicators, volatility_column)
    # Sorted input makes the floating-point sums identical on every rerun (Spark keeps a sort under a
    # double-valued aggregate because such sums depend on order).
    ordered = days.repartition("market", "date").sortWithinPartitions("market", "date", "symbol")
    summary = ordered.groupBy("market", "date").agg(
        F.count("symbol").alias("symbol_count"),
        F.avg("last_close").alias("avg_price"),
        F.avg("day_volume").alias("avg_volume"),
        F.sum("day_volume").alias("total_volume"),
        F.avg("change_pct").alias("avg_change_pct"),
        F.avg("volatility").alias("avg_volatility"),
        F.avg("rsi").alias("avg_rsi"),
        F.count(F.when(F.col("change_pct") > 0, 1)).alias("gainers"),
        F.count(F.when(F.col("change_pct") < 0, 1)).alias("losers"),
        F.sum("anomalies").alias("anomalies"),
    )
    return summary.withColumn("sentiment", _sentiment(F.col("avg_change_pct")))
