"""A gate's verdict as data: with --verdict, a gate job writes a small JSON object and exits 0 on pass and on
stop, so a state machine reads the decision from an object we wrote instead of guessing it from an exit code.

EMR does not report a step's exit code: DescribeStep's StepStateChangeReason "currently" has no code
(https://docs.aws.amazon.com/emr/latest/APIReference/API_StepStateChangeReason.html) and FailureDetails holds
text picked from the logs (https://docs.aws.amazon.com/emr/latest/APIReference/API_FailureDetails.html). So exit
non-zero keeps one meaning, "the job broke", and the verdict object carries pass or stop:

    {"verdict": "pass" | "stop", "job": "<job name>", "reason": "<one line>", "details": {...small...}}

Without --verdict a gate keeps exit 2 on stop (people and the CLI rely on it).
"""

import argparse
import json
from typing import Any

from pyspark.sql import SparkSession

from emr_jobs.framework.exit_codes import ExitCode
from emr_jobs.framework.filesystem import write_text
from emr_jobs.framework.metrics import JobMetrics

PASS, STOP = "pass", "stop"
VERDICT_HELP = (
    "write the gate's verdict here (path or s3:// URI) as JSON {verdict: pass|stop, job, reason, details} and exit 0 "
    "on pass and on stop; without it a stop exits 2. Non-zero then means only that the job broke"
)


def add_verdict_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verdict", help=VERDICT_HELP)


def verdict_document(job: str, passed: bool, reason: str, details: dict[str, Any]) -> dict[str, Any]:
    one_line = " ".join(reason.split())
    return {"verdict": PASS if passed else STOP, "job": job, "reason": one_line, "details": details}


def finish_gate(
    spark: SparkSession,
    metrics: JobMetrics,
    verdict_uri: str | None,
    passed: bool,
    reason: str,
    details: dict[str, Any],
) -> int:
    """The gate's exit code: with a verdict URI, the verdict is written there (through Hadoop's FileSystem, so
    s3:// works on EMR) and the code is 0 whatever the verdict; without one, 0 on pass and 2 on stop."""
    document = verdict_document(metrics.job, passed, reason, details)
    metrics.set("verdict", document["verdict"])
    if verdict_uri is None:
        return ExitCode.OK if passed else ExitCode.QUALITY_GATE_FAILED
    write_text(spark, verdict_uri, json.dumps(document, indent=2, sort_keys=True, default=str) + "\n")
    metrics.wrote_file("verdict", verdict_uri)
    return ExitCode.OK
