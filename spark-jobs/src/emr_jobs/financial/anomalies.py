"""Anomalies: z-scores of a bar's return and volume against the N bars before it.

The current bar is excluded from its own mean and stddev, so a spike cannot hide inside its own statistics.
Returns (close-to-close %) rather than prices: a drifting price level would otherwise look anomalous.
"""

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from emr_jobs.financial.settings import IndicatorSettings
from emr_jobs.financial.window_indicators import by_symbol

ANOMALY_COLUMNS = ("return_zscore", "volume_zscore", "anomaly_type", "risk_level")


def _zscore_against_previous(value: Column, previous: Window, min_periods: int) -> Column:
    count, mean, stddev = (
        F.count(value).over(previous),
        F.avg(value).over(previous),
        F.stddev_samp(value).over(previous),
    )
    # No dispersion means no scale to measure a deviation with: the z-score stays null.
    return F.when((count >= min_periods) & (stddev > 0), (value - mean) / stddev)


def add_anomalies(bars: DataFrame, settings: IndicatorSettings) -> DataFrame:
    """Needs price_change_pct; adds return_zscore, volume_zscore, anomaly_type, risk_level."""
    previous = by_symbol().rowsBetween(-settings.zscore_window, -1)
    scored = bars.select(
        "*",
        _zscore_against_previous(F.col("price_change_pct"), previous, settings.zscore_min_periods).alias(
            "return_zscore"
        ),
        _zscore_against_previous(F.col("volume"), previous, settings.zscore_min_periods).alias("volume_zscore"),
    )
    price = F.coalesce(F.abs(F.col("return_zscore")) > settings.zscore_threshold, F.lit(False))
    volume = F.coalesce(F.abs(F.col("volume_zscore")) > settings.zscore_threshold, F.lit(False))
    return scored.select(
        "*",
        F.when(price & volume, "PRICE_VOLUME").when(price, "PRICE").when(volume, "VOLUME").alias("anomaly_type"),
        F.when(price & volume, "HIGH").when(price | volume, "MEDIUM").alias("risk_level"),
    )
