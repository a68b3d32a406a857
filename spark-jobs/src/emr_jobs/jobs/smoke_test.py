"""Smoke test: proves a cluster works end to end.

Computes an aggregate whose value is known in closed form, runs a pandas UDF (the executors' Python has pandas
and pyarrow, as the financial processor needs), writes parquet under --output, reads it back, records the
Python and Spark versions, writes <output>/result.json, prints the same JSON and exits 1 on any mismatch.
"""

import argparse
import json
import platform
import sys
import time

import pandas as pd
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from emr_jobs.framework.args import JobArgumentParser, positive_int
from emr_jobs.framework.exit_codes import ExitCode
from emr_jobs.framework.filesystem import join_uri, write_text
from emr_jobs.framework.runner import run_job
from emr_jobs.framework.session import build_spark_session

JOB_NAME = "smoke_test"
BUCKETS = 10


def build_parser() -> argparse.ArgumentParser:
    """The job's options; also the source of its entry in the job catalogue (emr_jobs.catalog)."""
    parser = JobArgumentParser(prog=JOB_NAME, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--output", required=True, help="where to write and read back (s3:// on EMR, a path locally)")
    parser.add_argument("--rows", type=positive_int, default=100_000, help="rows to generate (default 100000)")
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def expected_sum_of_squares(rows: int) -> int:
    """Sum of i*i for i in 0..rows-1, in closed form, so Spark's answer is checked against arithmetic."""
    return (rows - 1) * rows * (2 * rows - 1) // 6


def expected_bucket_count(rows: int, bucket: int) -> int:
    return len(range(bucket, rows, BUCKETS))


def _executor_python(spark: SparkSession) -> str:
    def report_version(batch: pd.DataFrame) -> pd.DataFrame:
        import platform as executor_platform

        import pyarrow

        return pd.DataFrame({"version": [f"{executor_platform.python_version()} (pyarrow {pyarrow.__version__})"]})

    rows = spark.range(1).groupBy("id").applyInPandas(report_version, schema="version string").collect()
    return rows[0]["version"]


def _check(name: str, expected, actual) -> dict:
    return {"name": name, "expected": expected, "actual": actual, "passed": expected == actual}


def run_checks(spark: SparkSession, output: str, rows: int) -> list[dict]:
    numbers = spark.range(rows).select(F.col("id"), (F.col("id") % BUCKETS).alias("bucket"))
    squares = numbers.select(F.sum(F.col("id") * F.col("id")).alias("total")).first()["total"]
    buckets = {row["bucket"]: row["count"] for row in numbers.groupBy("bucket").count().collect()}
    data_path = join_uri(output, "data")
    numbers.write.mode("overwrite").parquet(data_path)
    read_back = spark.read.schema("id long, bucket long").parquet(data_path)
    read_totals = read_back.agg(F.count(F.lit(1)).alias("rows"), F.sum("id").alias("ids")).first()
    return [
        _check("sum_of_squares", expected_sum_of_squares(rows), squares),
        _check(
            "bucket_counts",
            {str(b): expected_bucket_count(rows, b) for b in range(BUCKETS)},
            {str(b): n for b, n in sorted(buckets.items())},
        ),
        _check("read_back_rows", rows, read_totals["rows"]),
        _check("read_back_sum", rows * (rows - 1) // 2, read_totals["ids"]),
    ]


def main(argv: list[str] | None = None) -> int:
    def body() -> int:
        args = parse_args(argv)
        started = time.monotonic()
        spark = build_spark_session(JOB_NAME)
        checks = run_checks(spark, args.output, args.rows)
        passed = all(check["passed"] for check in checks)
        result = {
            "job": JOB_NAME,
            "status": "PASSED" if passed else "FAILED",
            "checks": checks,
            "output": args.output,
            "rows": args.rows,
            "python_version": platform.python_version(),
            "executor_python": _executor_python(spark),
            "spark_version": spark.version,
            "master": spark.sparkContext.master,
            "duration_seconds": round(time.monotonic() - started, 3),
        }
        text = json.dumps(result, indent=2, sort_keys=True)
        write_text(spark, join_uri(args.output, "result.json"), text + "\n")
        print(text, flush=True)
        if not passed:
            failed = ", ".join(check["name"] for check in checks if not check["passed"])
            print(f"{JOB_NAME}: ERROR: checks failed: {failed}", file=sys.stderr, flush=True)
            return ExitCode.FATAL
        return ExitCode.OK

    return run_job(JOB_NAME, body)


if __name__ == "__main__":
    raise SystemExit(main())
