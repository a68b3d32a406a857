"""A job's run around its body: Spark started after the cheap checks, metrics always recorded, the job's own
error kept as the one line an operator reads, and a short human summary printed at the end.

    def main(argv=None):
        def body():
            args = parse_args(argv)
            check_output_root(args.output)          # before Spark starts
            metrics = JobMetrics(JOB_NAME)
            return run_with_metrics(
                metrics, join_uri(args.output, "_metrics.json"),
                lambda: build_spark_session(JOB_NAME),
                lambda spark: process(spark, args, metrics),
            )
        return run_job(JOB_NAME, body)
"""

from collections.abc import Callable

from pyspark.sql import SparkSession

from emr_jobs.framework.exit_codes import ExitCode
from emr_jobs.framework.metrics import JobMetrics

STATUS_BY_EXIT_CODE = {ExitCode.OK: "succeeded", ExitCode.QUALITY_GATE_FAILED: "gate_failed"}


def run_with_metrics(
    metrics: JobMetrics,
    metrics_uri: str,
    start_spark: Callable[[], SparkSession],
    process: Callable[[SparkSession], int],
) -> int:
    """Runs `process`, then writes the full record to `metrics_uri` and prints metrics.summary() (not the JSON).

    When `process` fails, the record is still written (status failed) but a failure to write it is only noted:
    the exception that propagates, and becomes the job's one error line, is the job's own.
    """
    spark = start_spark()
    metrics.set("status", "failed")  # until process() returns
    try:
        exit_code = int(process(spark))
    except BaseException:
        metrics.write_keeping_error(spark, metrics_uri)
        raise
    metrics.set("status", STATUS_BY_EXIT_CODE.get(exit_code, "failed"))
    metrics.finish(spark)
    metrics.write(spark, metrics_uri)  # after a successful run, failing to record it is the job's error
    print(metrics.summary(), flush=True)
    return exit_code
