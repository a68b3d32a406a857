"""Aggregate: city-level daily rows (date, state, city, code, cases, deaths) become state-level daily totals.

Outputs under --output, each written in place through Spark's committer and replaced on a rerun:
state_daily/ (date, state, cases, deaths, cities), rejected/ (the rows as they arrived with one reject_reason),
and _metrics.json, whose counts prove input = valid + rejected and that the totals hold every valid case and death.
"""

import argparse

from pyspark import StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from emr_jobs.committed_outputs import dataset_path, write_parquet
from emr_jobs.framework.args import JobArgumentParser, add_input_arguments
from emr_jobs.framework.exit_codes import ExitCode, JobError
from emr_jobs.framework.lifecycle import run_output_job
from emr_jobs.framework.intake import read_table
from emr_jobs.framework.run_output import RunOutput
from emr_jobs.tracker.aggregate import STATE_DAILY_COLUMNS, state_daily_totals
from emr_jobs.tracker.parsing import classify_counts, reason_counts, rejected_counts, valid_counts
from emr_jobs.tracker.schema import CITY_COLUMNS, CITY_KEY, CITY_REQUIRED

JOB_NAME = "aggregate"


def build_parser() -> argparse.ArgumentParser:
    """The job's options; also the source of its entry in the job catalogue (emr_jobs.catalog)."""
    parser = JobArgumentParser(prog=JOB_NAME, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_input_arguments(parser)
    parser.add_argument("--output", required=True, help="output root path or URI")
    return parser


def process(spark: SparkSession, args: argparse.Namespace, out: RunOutput) -> int:
    metrics = out.metrics
    metrics.set("parameters", vars(args))
    raw = read_table(spark, args.input, args.input_format, CITY_COLUMNS, required=CITY_REQUIRED)
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
    rejected_path = dataset_path(args.output, "rejected")
    write_parquet(rejected_counts(classified, CITY_COLUMNS), rejected_path)
    metrics.wrote("rejected", rejected, rejected_path)
    if rejected == input_rows:
        raise JobError(f"all {input_rows} input rows were rejected (is --input-format {args.input_format} right?)")

    valid = valid_counts(classified)
    totals = state_daily_totals(valid).persist(StorageLevel.MEMORY_AND_DISK)
    sums_in = valid.agg(F.sum("cases").alias("cases"), F.sum("deaths").alias("deaths")).first()
    facts = totals.agg(
        F.count(F.lit(1)).alias("rows"),
        F.sum("cases").alias("cases"),
        F.sum("deaths").alias("deaths"),
        F.sum("cities").alias("cities"),
        F.countDistinct("state").alias("states"),
        F.min("date").alias("first"),
        F.max("date").alias("last"),
    ).first()
    path = dataset_path(args.output, "state_daily")
    write_parquet(totals.select(*STATE_DAILY_COLUMNS).repartition(1).sortWithinPartitions("date", "state"), path)
    metrics.wrote("state_daily", facts["rows"], path)
    metrics.set("states", facts["states"])
    metrics.found("state_days", facts["rows"])
    metrics.found("states", facts["states"])
    metrics.set("dates", [facts["first"].isoformat(), facts["last"].isoformat()])
    metrics.set(
        "conservation",
        {
            "equation": "input_rows = valid_rows + rejected_rows; valid_rows = sum(cities); "
            "sums of valid rows = sums of totals",
            "input_rows": input_rows,
            "valid_rows": input_rows - rejected,
            "rejected_rows": rejected,
            "cities_in_totals": facts["cities"],
            "cases": {"valid_rows": sums_in["cases"], "totals": facts["cases"]},
            "deaths": {"valid_rows": sums_in["deaths"], "totals": facts["deaths"]},
            "holds": facts["cities"] == input_rows - rejected
            and sums_in["cases"] == facts["cases"]
            and sums_in["deaths"] == facts["deaths"],
        },
    )
    totals.unpersist()
    classified.unpersist()
    return ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    return run_output_job(JOB_NAME, lambda: build_parser().parse_args(argv), process)


if __name__ == "__main__":
    raise SystemExit(main())
