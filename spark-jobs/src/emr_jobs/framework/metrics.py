"""A job's metrics: logged as lines an operator can grep, and kept as a record written to _metrics.json."""

import json
import platform
import time
from collections.abc import Mapping
from typing import Any

from pyspark.sql import SparkSession

from emr_jobs.framework.filesystem import write_text


class JobMetrics:
    def __init__(self, job: str) -> None:
        self.job = job
        self._started = time.monotonic()
        self.record: dict[str, Any] = {"job": job, "started_at": _utc_now()}
        self.record["outputs"] = {}

    def log(self, message: str) -> None:
        print(f"{self.job}: {message}", flush=True)

    def set(self, key: str, value: Any) -> None:
        self.record[key] = value

    def loaded(self, rows: int, source: str) -> None:
        self.record["input_rows"] = rows
        self.log(f"Loaded {rows} rows from {source}")

    def rejected(self, rows: int, by_reason: Mapping[str, int]) -> None:
        self.record["rejected_rows"] = rows
        self.record["rejected_by_reason"] = dict(sorted(by_reason.items()))
        detail = ", ".join(f"{reason}={count}" for reason, count in sorted(by_reason.items()))
        self.log(f"Rejected {rows} rows" + (f" ({detail})" if detail else ""))

    def anomalies(self, count: int) -> None:
        self.record["anomalies"] = count
        self.log(f"Anomalies {count}")

    def wrote(self, dataset: str, rows: int, path: str) -> None:
        self.record["outputs"][dataset] = {"path": path, "rows": rows}
        self.log(f"Wrote {rows} rows of {dataset} to {path}")

    def finish(self, spark: SparkSession) -> dict[str, Any]:
        self.record["finished_at"] = _utc_now()
        self.record["duration_seconds"] = round(time.monotonic() - self._started, 3)
        self.record["spark_version"] = spark.version
        self.record["python_version"] = platform.python_version()
        return self.record

    def to_json(self) -> str:
        return json.dumps(self.record, indent=2, sort_keys=True, default=str)

    def write(self, spark: SparkSession, uri: str) -> None:
        write_text(spark, uri, self.to_json() + "\n")
        self.log(f"Wrote metrics to {uri}")


def _utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
