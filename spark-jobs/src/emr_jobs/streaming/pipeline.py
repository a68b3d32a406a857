"""The one transformation of the stream, the same whichever source feeds it: lines of JSON ticks → bars with
indicators, rejected and late ticks (the rows of stateful_bars.output_schema)."""

from dataclasses import dataclass, field

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from emr_jobs.financial.settings import IndicatorSettings
from emr_jobs.framework.intake import REJECT_REASON_COLUMN
from emr_jobs.streaming.stateful_bars import GROUP, REJECTED_GROUP, bars_with_state
from emr_jobs.streaming.ticks import classify_ticks

ARRIVAL = "arrival"  # when the tick reached the job: Kinesis' approximateArrivalTimestamp, else the batch's time


@dataclass(frozen=True)
class StreamSettings:
    bar_seconds: int = 60
    watermark_seconds: int = 120
    # Closed bars each symbol keeps for its indicators: exact against the batch job while a symbol has fewer.
    history_bars: int = 5000
    indicators: IndicatorSettings = field(default_factory=IndicatorSettings)


def transform_ticks(lines: DataFrame, settings: StreamSettings) -> DataFrame:
    """`lines`: a streaming (or batch) frame with `value` (one JSON tick per row) and ARRIVAL (a timestamp)."""
    ticks = classify_ticks(lines, carry=(ARRIVAL,))
    valid = F.col(REJECT_REASON_COLUMN).isNull()
    keyed = ticks.select(
        *[name for name in ticks.columns if name != "ts"],
        # Only a valid tick's time moves the watermark: a tick rejected for its price may carry any time.
        F.when(valid, F.col("ts")).alias("ts"),
        F.when(valid, F.col("symbol")).otherwise(F.lit(REJECTED_GROUP)).alias(GROUP),
        F.unix_micros("ts").alias("ts_us"),
        F.unix_millis(ARRIVAL).alias("arrival_ms"),
    ).withWatermark("ts", f"{settings.watermark_seconds} seconds")
    return bars_with_state(keyed, settings.indicators, settings.bar_seconds, settings.history_bars)
