"""Aggregate: city-level daily rows (date, state, city, code, cases, deaths) become state-level daily totals.

Outputs under --output, each written in place through Spark's committer and replaced on a rerun (RunOutput; a run
that fails leaves none of them): state_daily/ (date, state, cases, deaths, cities), rejected/ (the rows as they
arrived, raw_record for a malformed one, with one reject_reason), and _metrics.json, whose counts prove
input = valid + rejected and that the totals hold every valid case and death.

Rows are read and checked by the intake (tracker.parsing lists the reasons): states are upper-cased, dates outside
1900-01-01..tomorrow are out_of_range_date, and all rows of a city-day whose copies disagree are
conflicting_duplicate (none is summed). An --output inside --input is refused before Spark starts; an input with
no rows, or whose rows are all rejected, fails the run.

Sums are exact (decimal): a state-day total beyond the largest 64-bit integer fails the run with one line naming the
state, date and column, before anything is written; conservation compares the exact sums of both sides.
"""

import argparse

from pyspark import StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from emr_jobs.framework.args import JobArgumentParser, add_input_arguments
from emr_jobs.framework.exit_codes import ExitCode
from emr_jobs.framework.intake import (
    check_output_outside_input,
    check_rows,
    read_table,
    reason_counts,
    rejected_records,
    valid_records,
)
from emr_jobs.framework.lifecycle import run_output_job
from emr_jobs.framework.reuse import kept_for_reuse
from emr_jobs.framework.run_output import RunOutput
from emr_jobs.tracker.aggregate import as_written, check_totals_fit, exact_sums, state_daily_totals
from emr_jobs.tracker.parsing import classify_counts
from emr_jobs.tracker.schema import CITY_COLUMNS, CITY_FIELDS, CITY_KEY, CITY_REQUIRED, METRICS

JOB_NAME = "aggregate"


def build_parser() -> argparse.ArgumentParser:
    """The job's options; also the source of its entry in the job catalogue (emr_jobs.catalog)."""
    parser = JobArgumentParser(prog=JOB_NAME, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_input_arguments(parser)
    parser.add_argument("--output", required=True, help="output root path or URI")
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    check_output_outside_input(args.output, {"--input": args.input})  # a rerun would read its own outputs
    return args


def process(spark: SparkSession, args: argparse.Namespace, out: RunOutput) -> int:
    metrics = out.metrics
    metrics.set("parameters", vars(args))
    raw = read_table(spark, args.input, args.input_format, CITY_COLUMNS, required=CITY_REQUIRED, option="--input")
    classified = kept_for_reuse(classify_counts(raw, CITY_FIELDS, CITY_KEY))
    counts = reason_counts(classified)
    input_rows = sum(counts.values())
    rejected_by_reason = {reason: n for reason, n in counts.items() if reason is not None}
    rejected = sum(rejected_by_reason.values())
    metrics.loaded(input_rows, args.input)
    metrics.rejected(rejected, rejected_by_reason)
    metrics.set("valid_rows", input_rows - rejected)
    check_rows(counts, "--input", args.input)
    valid = valid_records(classified)
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
    out.write_dataset("rejected", rejected_records(classified), rejected)
    out.write_dataset(
        "state_daily", as_written(totals).repartition(1).sortWithinPartitions("date", "state"), facts["rows"]
    )
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
    return run_output_job(JOB_NAME, lambda: parse_args(argv), process)


if __name__ == "__main__":
    raise SystemExit(main())
