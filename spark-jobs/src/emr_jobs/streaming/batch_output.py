"""What each micro-batch writes, idempotently by batch id (foreachBatch): `<output>/<dataset>/batch=<id>/` is
replaced as a whole, so a batch replayed after a crash (Spark re-runs the last planned batch from the checkpoint's
offset log, with the same input and watermark) rewrites its own files and never adds rows beside them.

Datasets: bars/ (OHLCV + every indicator and anomaly column, `timestamp` = bar start), anomalies/ (the bars with
an anomaly_type), rejected/ (ticks as they arrived, with reject_reason: the intake's reasons and `late`); then
the progress record (progress.py).
"""

import time
from collections.abc import Callable

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from emr_jobs.financial.symbol_indicators import added_columns
from emr_jobs.framework.filesystem import filesystem_and_path, join_uri
from emr_jobs.framework.intake import RAW_RECORD_COLUMN, REJECT_REASON_COLUMN
from emr_jobs.streaming.alerts import Publish, send_alerts
from emr_jobs.streaming.pipeline import StreamSettings
from emr_jobs.streaming.progress import progress_record, write_progress
from emr_jobs.streaming.stateful_bars import BAR, KIND, REJECTED, SEEN
from emr_jobs.streaming.symbol_bars import BAR_COLUMNS
from emr_jobs.streaming.ticks import TEXT_COLUMNS, TEXT_PREFIX

BARS, ANOMALIES, REJECTED_DATASET = "bars", "anomalies", "rejected"
BATCH_PARTITION = "batch"


def batch_path(output: str, dataset: str, batch_id: int) -> str:
    return join_uri(output, dataset, f"{BATCH_PARTITION}={batch_id}")


def bar_columns(settings: StreamSettings) -> list[str]:
    """A bar row's columns in the order the batch job's indicators have them (symbol, market, timestamp, OHLCV,
    then its added columns), plus ticks."""
    return ["symbol", "market", "timestamp", *BAR_COLUMNS, *(c.name for c in added_columns(settings.indicators)),
            "ticks"]  # fmt: skip


def replace_dataset(spark: SparkSession, frame: DataFrame, path: str) -> int:
    """Writes `frame` as the whole of `path` (parquet); with no rows, removes `path`, so a replay that has none
    leaves none. Returns the rows written."""
    rows = frame.count()
    if rows == 0:
        filesystem, hadoop_path = filesystem_and_path(spark, path)
        filesystem.delete(hadoop_path, True)
        return 0
    frame.write.mode("overwrite").parquet(path)
    return rows


_ALERT_COLUMNS = ("symbol", "market", "timestamp_us", "anomaly_type", "risk_level", "close", "volume",
                  "return_zscore", "volume_zscore")  # fmt: skip


def batch_writer(
    spark: SparkSession,
    output: str,
    settings: StreamSettings,
    after_batch: Callable[[dict], None],
    publish: Publish | None = None,
) -> Callable[[DataFrame, int], None]:
    """The foreachBatch function; `after_batch` gets each batch's progress record once it is written. With
    `publish`, the batch's anomalies are sent once their files are written (alerts.send_alerts)."""

    def write_batch(frame: DataFrame, batch_id: int) -> None:
        started = time.monotonic()
        frame.persist()
        try:
            bars = frame.filter(F.col(KIND) == BAR).withColumn("timestamp", F.timestamp_micros("timestamp_us"))
            written = replace_dataset(spark, bars.select(*bar_columns(settings)), batch_path(output, BARS, batch_id))
            anomalies = bars.filter(F.col("anomaly_type").isNotNull()).select(*bar_columns(settings))
            anomaly_rows = replace_dataset(spark, anomalies, batch_path(output, ANOMALIES, batch_id))
            rejected = frame.filter(F.col(KIND) == REJECTED).select(
                *[F.col(text).alias(text[len(TEXT_PREFIX) :]) for text in TEXT_COLUMNS],
                RAW_RECORD_COLUMN,
                REJECT_REASON_COLUMN,
            )
            replace_dataset(spark, rejected, batch_path(output, REJECTED_DATASET, batch_id))
            written_ms = time.time() * 1000
            alerts_sent = 0
            if publish is not None and anomaly_rows:
                found = bars.filter(F.col("anomaly_type").isNotNull()).select(*_ALERT_COLUMNS).collect()
                alerts_sent = send_alerts(spark, output, [row.asDict() for row in found], publish)
            arrivals = [row[0] for row in bars.select("last_arrival_ms").collect()]
            seen = frame.filter(F.col(KIND) == SEEN).agg(F.sum("seen_rows"), F.max("watermark_ms")).first()
            by_reason = {row[0]: row[1] for row in rejected.groupBy(REJECT_REASON_COLUMN).count().collect()}
        finally:
            frame.unpersist()
        record = progress_record(
            batch_id,
            input_rows=int(seen[0] or 0),
            seconds=time.monotonic() - started,
            watermark_ms=seen[1],
            latencies_ms=[written_ms - arrival for arrival in arrivals],
            bars=written,
            rejected_by_reason=by_reason,
            alerts_sent=alerts_sent,
        )
        write_progress(spark, output, record)
        after_batch(record)

    return write_batch
