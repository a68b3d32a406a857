"""Aggregate: city-level daily rows (date, state, city, code, cases, deaths) become state-level daily totals.

Outputs under --output, each written in place through Spark's committer and replaced on a rerun:
state_daily/ (date, state, cases, deaths, cities), rejected/ (the rows as they arrived with one reject_reason),
and _metrics.json, whose counts prove input = valid + rejected and that the totals hold every valid case and death.

Sums are exact (decimal): a state-day total beyond the largest 64-bit integer fails the run with one line naming the
state, date and column, before anything is written; conservation compares the exact sums of both sides.
"""

import argparse

from pyspark import StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from emr_jobs.committed_outputs import dataset_path, write_parquet
from emr_jobs.framework.args import JobArgumentParser, add_input_arguments
from emr_jobs.framework.exit_codes import ExitCode, JobError
from emr_jobs.framework.lifecycle import run_output_job
from emr_jobs.framework.metrics import JobMetrics
from emr_jobs.framework.readers import read_raw_table
from emr_jobs.tracker.aggregate import as_written, check_totals_fit, exact_sums, state_daily_totals
from emr_jobs.tracker.parsing import classify_counts, reason_counts, rejected_counts, valid_counts
from emr_jobs.tracker.schema import CITY_COLUMNS, CITY_KEY, CITY_REQUIRED, METRICS

JOB_NAME = "aggregate"


def build_parser() -> argparse.ArgumentParser:
    """The job's options; also the source of its entry in the job catalogue (emr_jobs.catalog)."""
    parser = JobArgumentParser(prog=JOB_NAME, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_input_arguments(parser)
    parser.add_argument("--output", required=True, help="output root path or URI")
    return parser


def process(spark: SparkSession, args: argparse.Namespace, metrics: JobMetrics) -> int:
    metrics.set("parameters", vars(args))
    raw = read_raw_table(spark, args.input, args.input_format, CITY_COLUMNS, required=CITY_REQUIRED)
    classified = classify_counts(raw, CITY_COLUMNS, CITY_KEY).persist(StorageLevel.MEMORY_AND_DISK)
    counts = reason_counts(classified)
    input_rows = sum(counts.values())
    rejected_by_reason = {reason: n for reason, n in counts.items() if reason is not None}
    rejected = sum(rejected_by_reason.values())
    metrics.loaded(input_rows, args.input)
    metrics.rejected(rejected, rejected_by_reason)
    metrics.set("valid_rows", input_rows - rejected)
    if input_rows == 0:
        raise JobError(f"no input rows in {args.input}")
    if rejected == input_rows:
        raise JobError(f"all {input_rows} input rows were rejected (is --input-format {args.input_format} right?)")
    valid = valid_counts(classified)
    totals = state_daily_totals(valid).persist(StorageLevel.MEMORY_AND_DISK)
    check_totals_fit(totals)  # before anything is written: a total beyond a bigint fails the run (A12)
    sums_in = exact_sums(valid)
    sums_out = exact_sums(totals)
    facts = totals.agg(
        F.count(F.lit(1)).alias("rows"),
        F.sum("cities").alias("cities"),
        F.countDistinct("state").alias("states"),
        F.min("date").alias("first"),
        F.max("date").alias("last"),
    ).first()
    rejected_path = dataset_path(args.output, "rejected")
    write_parquet(rejected_counts(classified, CITY_COLUMNS), rejected_path)
    metrics.wrote("rejected", rejected, rejected_path)
    path = dataset_path(args.output, "state_daily")
    write_parquet(as_written(totals).repartition(1).sortWithinPartitions("date", "state"), path)
    metrics.wrote("state_daily", facts["rows"], path)
    metrics.set("states", facts["states"])
    metrics.found("state_days", facts["rows"])
    metrics.found("states", facts["states"])
    metrics.set("dates", [facts["first"].isoformat(), facts["last"].isoformat()])
    metrics.set(
        "conservation",
        {
            "equation": "input_rows = valid_rows + rejected_rows; valid_rows = sum(cities); "
            "exact sums of valid rows = exact sums of totals",
            "input_rows": input_rows,
            "valid_rows": input_rows - rejected,
            "rejected_rows": rejected,
            "cities_in_totals": facts["cities"],
            **{metric: {"valid_rows": sums_in[metric], "totals": sums_out[metric]} for metric in METRICS},
            "holds": facts["cities"] == input_rows - rejected and sums_in == sums_out,
        },
    )
    totals.unpersist()
    classified.unpersist()
    return ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    return run_output_job(JOB_NAME, lambda: build_parser().parse_args(argv), process)


if __name__ == "__main__":
    raise SystemExit(main())
