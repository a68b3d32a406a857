"""The progress record written after each micro-batch: `<output>/progress/batch=<id>.json`, one JSON line, then the
same line as `<output>/progress/latest.json`, which the CLI's `stream status` reads with one GET instead of listing
every batch's record (it lists only when latest.json is missing). Its fields are the contract with
scripts/lib/stream-progress.ts; tests/fixtures/progress_record.json is a record the job wrote, and both sides' tests
read it."""

import datetime as dt
import json

import numpy as np
from pyspark.sql import SparkSession

from emr_jobs.framework.filesystem import join_uri, write_text

PROGRESS_DATASET = "progress"
LATEST = "latest.json"


def progress_path(output: str, batch_id: int) -> str:
    return join_uri(output, PROGRESS_DATASET, f"batch={batch_id}.json")


def percentile(values: list[float], share: float) -> float | None:
    """The `share` percentile (linear interpolation), None without values."""
    return float(np.percentile(values, share * 100)) if values else None


def progress_record(
    batch_id: int,
    input_rows: int,
    seconds: float,
    watermark_ms: int | None,
    latencies_ms: list[float],
    bars: int,
    rejected_by_reason: dict[str, int],
    alerts_sent: int = 0,
) -> dict:
    """batch_id, input_rows, rows_per_second (the batch's rows over its wall time), watermark (ISO UTC, the one
    the batch ran with; null before the first tick), latency_ms p50/p95 (tick arrival → its bar written; null
    when no bar closed), bars, rejected_by_reason, alerts_sent."""
    watermark = None
    if watermark_ms is not None:
        watermark = dt.datetime.fromtimestamp(watermark_ms / 1000, dt.UTC).isoformat().replace("+00:00", "Z")
    return {
        "batch_id": batch_id,
        "input_rows": input_rows,
        "rows_per_second": round(input_rows / seconds, 3) if seconds > 0 else None,
        "watermark": watermark,
        "latency_ms": {"p50": percentile(latencies_ms, 0.5), "p95": percentile(latencies_ms, 0.95)},
        "bars": bars,
        "rejected_by_reason": dict(sorted(rejected_by_reason.items())),
        "alerts_sent": alerts_sent,
    }


def write_progress(spark: SparkSession, output: str, record: dict) -> None:
    """The batch's own record first, then latest.json: a reader of latest.json never sees a batch whose own
    record is missing."""
    line = json.dumps(record, sort_keys=False) + "\n"
    write_text(spark, progress_path(output, record["batch_id"]), line)
    write_text(spark, join_uri(output, PROGRESS_DATASET, LATEST), line)
