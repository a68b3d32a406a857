"""The progress record written after each micro-batch: `<output>/progress/batch=<id>.json`, one JSON line that
the CLI's `stream status` reads (the newest batch id)."""

import datetime as dt
import json

import numpy as np
from pyspark.sql import SparkSession

from emr_jobs.framework.filesystem import join_uri, write_text

PROGRESS_DATASET = "progress"


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
    write_text(spark, progress_path(output, record["batch_id"]), json.dumps(record, sort_keys=False) + "\n")
