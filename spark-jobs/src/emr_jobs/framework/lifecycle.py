"""A job's run around its body: Spark started after the cheap checks, metrics always recorded, the job's own
error kept as the one line an operator reads, and a short human summary printed at the end.

A job that writes under --output needs only:

    def main(argv=None):
        return run_output_job(JOB_NAME, lambda: parse_args(argv), process)   # process(spark, args, out)

where `out` is the run's RunOutput (every write goes through it; out.metrics is the record). When process fails,
what it wrote is rolled back and the record says `status: failed` with the error line.
"""

import argparse
from collections.abc import Callable

from pyspark.sql import SparkSession

from emr_jobs.framework.exit_codes import ExitCode
from emr_jobs.framework.metrics import JobMetrics
from emr_jobs.framework.outputs import check_output_root
from emr_jobs.framework.run_output import RunOutput, metrics_path, run_record_path
from emr_jobs.framework.runner import error_line, run_job
from emr_jobs.framework.session import build_spark_session

STATUS_BY_EXIT_CODE = {ExitCode.OK: "succeeded", ExitCode.QUALITY_GATE_FAILED: "gate_failed"}


def run_with_metrics(
    metrics: JobMetrics,
    metrics_uri: str,
    start_spark: Callable[[], SparkSession],
    process: Callable[[SparkSession], int],
    record_uri: str | None = None,
) -> int:
    """Runs `process`, then writes the full record to `metrics_uri` (and the same to `record_uri`, the `runs`
    table's copy, when given) and prints metrics.summary() (not the JSON).

    When `process` fails, the record is still written (status failed, and `error`: the one line the runner prints)
    but a failure to write it is only noted: the exception that propagates, and becomes the job's one error line,
    is the job's own.
    """
    spark = start_spark()
    metrics.set("status", "failed")  # until process() returns
    try:
        exit_code = int(process(spark))
    except BaseException as error:
        metrics.set("error", error_line(error))
        # record_uri first, so record_path names _metrics.json, the operators' copy; one finish, so both copies agree.
        metrics.write_keeping_error(spark, [uri for uri in (record_uri, metrics_uri) if uri])
        raise
    status = STATUS_BY_EXIT_CODE.get(exit_code, "failed")
    if exit_code == ExitCode.OK and metrics.record.get("verdict") == "stop":
        status = "gate_failed"  # a gate that wrote its stop verdict (--verdict) exits 0 but did stop
    metrics.set("status", status)
    metrics.finish(spark)
    if record_uri:  # first, so the summary and record_path name _metrics.json, the operators' copy
        metrics.write(spark, record_uri)
    metrics.write(spark, metrics_uri)  # after a successful run, failing to record it is the job's error
    print(metrics.summary(), flush=True)
    return exit_code


def run_output_job(
    job_name: str,
    parse: Callable[[], argparse.Namespace],
    process: Callable[[SparkSession, argparse.Namespace, RunOutput], int],
) -> int:
    """The main() of a job that writes under --output: `parse` (argparse and any cheap checks, which raise before
    Spark starts), an --output that is a file refused, then `process(spark, args, out)` run with its record at
    <output>/_metrics.json, or at <output>/_runs/date=<D>/_metrics.json when the job has a --date and it is given
    (run_output.metrics_path). When `process` fails, out.roll_back() removes what it wrote or cleared before the
    record (status failed, error) is written. Every failure ends as the job's one error line (run_job)."""

    def body() -> int:
        args = parse()
        check_output_root(args.output)
        metrics = JobMetrics(job_name)
        date = getattr(args, "date", None)

        def process_owning_outputs(spark: SparkSession) -> int:
            out = RunOutput(spark, args.output, metrics, date)
            try:
                return process(spark, args, out)
            except BaseException:
                out.roll_back()
                raise

        return run_with_metrics(
            metrics,
            metrics_path(args.output, date),
            lambda: build_spark_session(job_name),
            process_owning_outputs,
            record_uri=run_record_path(args.output, date),
        )

    return run_job(job_name, body)
