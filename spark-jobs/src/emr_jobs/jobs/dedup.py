"""Dedup: keeps one row per key, the latest (latest_timestamp) or the earliest (first_seen) by --order-by.

Outputs under --output: kept/ (one row per key), superseded/ (every dropped row with kept_id, the id of the row kept
for its key), rejected/ (null key or id, null or unparsable --order-by, malformed, or duplicate_id: an --id-column
value that otherwise valid rows carry with different content, all of them; identical copies are superseded as usual;
one reject_reason and the raw_record of a malformed line each), and _metrics.json, whose counts prove
input = kept + superseded + rejected. Each dataset is replaced on a rerun.
The choice is deterministic: the same rows in any order and any partitioning give the same outputs.

The input is read by the shared intake (a csv BOM stripped, pandas' nanosecond timestamps read). An --output equal
to or inside --input is refused before Spark starts; an input with no rows, or whose rows are all rejected, fails
the run with one line and writes no dataset.
"""

import argparse

from pyspark.sql import SparkSession

from emr_jobs.dedup.columns import input_columns
from emr_jobs.dedup.selection import (
    KEPT,
    REJECTED,
    STATUS_COLUMN,
    SUPERSEDED,
    classify_rows,
    kept_rows,
    rejected_rows,
    superseded_rows,
)
from emr_jobs.dedup.spec import STRATEGIES, DedupSpec, column_list, tie_break_list
from emr_jobs.framework.args import JobArgumentParser, add_input_arguments
from emr_jobs.framework.exit_codes import ExitCode
from emr_jobs.framework.intake import REJECT_REASON_COLUMN, check_output_outside_input, check_rows, read_table
from emr_jobs.framework.lifecycle import run_output_job
from emr_jobs.framework.reuse import kept_for_reuse
from emr_jobs.framework.run_output import RunOutput

JOB_NAME = "dedup"


def build_parser() -> argparse.ArgumentParser:
    """The job's options; also the source of its entry in the job catalogue (emr_jobs.catalog)."""
    parser = JobArgumentParser(prog=JOB_NAME, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_input_arguments(parser)
    parser.add_argument("--output", required=True, help="output root path or URI")
    parser.add_argument("--keys", required=True, help="comma-separated key columns (one kept row per key)")
    parser.add_argument("--order-by", required=True, help="timestamp column that orders the rows of a key")
    parser.add_argument(
        "--strategy",
        choices=STRATEGIES,
        default="latest_timestamp",
        help="latest_timestamp keeps the greatest --order-by, first_seen the least (default latest_timestamp)",
    )
    parser.add_argument(
        "--tie-break", help="comma-separated columns (column[:asc|:desc], text order) deciding equal --order-by"
    )
    parser.add_argument("--id-column", help="the rows' id column (default: a sha256 of the row's text)")
    parser.add_argument("--columns", help="comma-separated input columns (default: csv header or parquet schema)")
    return parser


def spec_from(args: argparse.Namespace) -> DedupSpec:
    return DedupSpec(
        keys=column_list(args.keys, "--keys"),
        order_by=args.order_by.strip(),
        strategy=args.strategy,
        tie_breaks=tie_break_list(args.tie_break),
        id_column=args.id_column.strip() if args.id_column else None,
    )


def process(spark: SparkSession, args: argparse.Namespace, spec: DedupSpec, out: RunOutput) -> int:
    metrics = out.metrics
    metrics.set("parameters", vars(args))
    declared = input_columns(spark, args.input, args.input_format, args.columns)
    columns = tuple(declared)
    spec.check_columns(columns)
    raw = read_table(spark, args.input, args.input_format, declared, required=columns, option="--input")
    classified = kept_for_reuse(classify_rows(raw, spec, columns))
    counts = {
        (row[STATUS_COLUMN], row[REJECT_REASON_COLUMN]): row["count"]
        for row in classified.groupBy(STATUS_COLUMN, REJECT_REASON_COLUMN).count().collect()
    }
    by_status = {
        status: sum(n for (s, _), n in counts.items() if s == status) for status in (KEPT, SUPERSEDED, REJECTED)
    }
    input_rows = sum(counts.values())
    rejected_by_reason = {reason: n for (s, reason), n in counts.items() if s == REJECTED}
    metrics.loaded(input_rows, args.input)
    metrics.rejected(by_status[REJECTED], rejected_by_reason)
    metrics.set("valid_rows", by_status[KEPT] + by_status[SUPERSEDED])
    metrics.set("kept_rows", by_status[KEPT])
    metrics.set("superseded_rows", by_status[SUPERSEDED])
    metrics.found("kept", by_status[KEPT])
    metrics.found("superseded", by_status[SUPERSEDED])
    metrics.set("conservation", conservation(input_rows, by_status))
    # No rows, or every row rejected: a failure, not an empty success (nothing is written).
    check_rows({None: by_status[KEPT] + by_status[SUPERSEDED], **rejected_by_reason}, "--input", args.input)

    outputs = {
        "kept": (kept_rows(classified, spec, columns), KEPT),
        "superseded": (superseded_rows(classified, spec, columns), SUPERSEDED),
        "rejected": (rejected_rows(classified, columns), REJECTED),
    }
    for dataset, (frame, status) in outputs.items():
        out.write_dataset(dataset, frame, by_status[status])
    classified.unpersist()
    return ExitCode.OK


def conservation(input_rows: int, by_status: dict[str, int]) -> dict:
    accounted = by_status[KEPT] + by_status[SUPERSEDED] + by_status[REJECTED]
    return {
        "equation": "input_rows = kept_rows + superseded_rows + rejected_rows",
        "input_rows": input_rows,
        "accounted_rows": accounted,
        "holds": input_rows == accounted,
    }


def _parse(argv: list[str] | None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    spec_from(args)  # invalid lists fail before Spark starts
    check_output_outside_input(args.output, {"--input": args.input})  # a rerun would read the outputs back
    return args


def main(argv: list[str] | None = None) -> int:
    return run_output_job(
        JOB_NAME, lambda: _parse(argv), lambda spark, args, out: process(spark, args, spec_from(args), out)
    )


if __name__ == "__main__":
    raise SystemExit(main())
