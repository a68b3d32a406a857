"""A job's metrics: logged as lines an operator can grep, kept as a record written to _metrics.json, and
rendered as a short human summary at the end of a run (summary()), so every job gets the same ending."""

import json
import platform
import sys
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
        self.record["findings"] = {}
        self.record_path: str | None = None  # where write() put the record

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
        self.record["findings"]["anomalies"] = count
        self.log(f"Anomalies {count}")

    def found(self, name: str, count: int | str) -> None:
        """What the job found (anomalies, flags, high-risk claims, diff classes): shown in the summary."""
        self.record["findings"][name] = count
        self.log(f"Found {name}: {count}")

    def wrote_file(self, name: str, path: str) -> None:
        """A single-file output (a picture, a report), listed in the summary without a row count."""
        self.record["outputs"][name] = {"path": path}
        self.log(f"Wrote {name} to {path}")

    def rolled_back(self, name: str) -> None:
        """A failed run took output `name` back: the record must not read as if it were still there."""
        if name in self.record["outputs"]:
            self.record["outputs"][name]["rolled_back"] = True

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
        # One line, not pretty-printed: the `runs` table reads these files with Athena's JSON SerDe, which expects
        # each record on a single line ("JSON SerDe libraries", docs.aws.amazon.com/athena/latest/ug/json-serde.html).
        return json.dumps(self.record, sort_keys=True, default=str)

    def write(self, spark: SparkSession, uri: str) -> None:
        write_text(spark, uri, self.to_json() + "\n")
        self.record_path = uri
        self.log(f"Wrote metrics to {uri}")

    def write_keeping_error(self, spark: SparkSession | None, uris: list[str]) -> None:
        """For a job that already failed: finishes the record once, then writes it to each of `uris` (the copies
        are identical). A metrics write that fails too must not replace the job's own error (the one line an
        operator reads): the write's failure goes to stdout as a note instead."""
        if spark is None:
            return
        try:
            self.finish(spark)
        except Exception as error:  # the job's error is already on its way; this one is secondary
            self._note_unwritten(uris[0], error)
        for uri in uris:
            try:
                self.write(spark, uri)
            except Exception as error:
                self._note_unwritten(uri, error)

    def _note_unwritten(self, uri: str, error: Exception) -> None:
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        print(f"{self.job}: note: could not write {uri} ({first[:300]})", file=sys.stdout, flush=True)

    def summary(self) -> str:
        """A few lines a person reads after a run, built from the record alone (any job's record)."""
        record = self.record
        seconds = record.get("duration_seconds", round(time.monotonic() - self._started, 3))
        lines = [f"{self.job}: {record.get('status', 'finished')} in {seconds:.1f} s"]
        if "rows_read" in record or "input_rows" in record:
            read = record.get("rows_read", record.get("input_rows"))
            scope = record.get("input_rows")
            in_scope = f" ({scope} in scope)" if scope is not None and scope != read else ""
            lines.append(f"  rows read   {read}{in_scope}")
        if "valid_rows" in record:
            lines.append(f"  valid       {record['valid_rows']}")
        if "rejected_rows" in record:
            by_reason = record.get("rejected_by_reason") or {}
            ranked = sorted(by_reason.items(), key=lambda item: (-item[1], item[0]))
            detail = ", ".join(f"{reason} {count}" for reason, count in ranked)
            lines.append(f"  rejected    {record['rejected_rows']}" + (f": {detail}" if detail else ""))
        findings = record.get("findings") or {}
        if findings:
            lines.append("  found       " + ", ".join(f"{name} {value}" for name, value in findings.items()))
        outputs = record.get("outputs") or {}
        for index, (name, output) in enumerate(outputs.items()):
            rows = f" ({output['rows']} rows)" if "rows" in output else ""
            lines.append(f"  {'outputs' if index == 0 else '':<11} {name}{rows}: {output['path']}")
        if self.record_path:
            lines.append(f"  metrics     {self.record_path}")
        return "\n".join(lines)


def _utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
