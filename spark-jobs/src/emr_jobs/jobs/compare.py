"""Compare: our state-level daily totals (the aggregate job's state_daily/) against an official state-level file
(date, region, state, cases, deaths), key by key (date, state).

Outputs under --output, each written in place (Spark's committer for datasets, one filesystem create for files)
through RunOutput, so a run that fails leaves none of them: diff_report.json (counts per class, the share of
differing keys, the gate, the top-N deltas), differences/ (one CSV of every key that is not equal), comparison/
(every key, parquet), deltas_by_state.png, rejected/ (rows of either side as they arrived, raw_record for a
malformed one, with one reject_reason and their side), _metrics.json. The gate stops when the share of changed or
missing keys is above --fail-above.

Both sides are read and checked by the intake (tracker.parsing lists the reasons; states upper-cased, dates
outside 1900-01-01..tomorrow rejected). Rows of one key that disagree are all rejected as conflicting_duplicate, so
that key is missing on that side and counts as differing. A side with no rows, or whose rows are all rejected,
fails the run (exit 1) whatever --fail-above says: nothing was compared. An --output inside --ours or --theirs is
refused before Spark starts.

With --verdict URI (what pipelines pass): writes {"verdict": "pass"|"stop", "job", "reason", "details"} there and
exits 0 on pass and on stop, so exit 1 means only that the job broke.
Without --verdict: exits 0 on pass, 2 on stop (so a pipeline step can stop there), 1 when the job broke.
"""

import argparse
import json
import math

import pandas as pd
from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from emr_jobs.framework.args import JobArgumentParser, fraction, positive_int
from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.intake import (
    SUPPORTED_FORMATS,
    check_output_outside_input,
    check_rows,
    read_table,
    reason_counts,
    rejected_records,
    valid_records,
)
from emr_jobs.framework.lifecycle import run_output_job
from emr_jobs.framework.metrics import JobMetrics
from emr_jobs.framework.outputs import check_output_file
from emr_jobs.framework.reuse import kept_for_reuse
from emr_jobs.framework.run_output import RunOutput
from emr_jobs.framework.verdict import add_verdict_argument, finish_gate
from emr_jobs.tracker.comparison import CLASSES, DIFFERING, Tolerances, compare_totals, top_deltas
from emr_jobs.tracker.parsing import classify_counts
from emr_jobs.tracker.picture import deltas_figure, states_to_draw
from emr_jobs.tracker.schema import STATE_COLUMNS, STATE_FIELDS, STATE_KEY, STATE_REQUIRED

JOB_NAME = "compare"
PICTURE = "deltas_by_state.png"


def build_parser() -> argparse.ArgumentParser:
    """The job's options; also the source of its entry in the job catalogue (emr_jobs.catalog)."""
    parser = JobArgumentParser(prog=JOB_NAME, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--ours", required=True, help="our state-level totals (the aggregate job's state_daily/)")
    parser.add_argument("--ours-format", choices=SUPPORTED_FORMATS, default="parquet", help="default parquet")
    parser.add_argument("--theirs", required=True, help="the official state-level file (date, region, state, ...)")
    parser.add_argument("--theirs-format", choices=SUPPORTED_FORMATS, default="csv", help="default csv")
    parser.add_argument("--output", required=True, help="output root path or URI")
    parser.add_argument("--abs-tolerance", type=float, default=0.0, help="|delta| always allowed (default 0)")
    parser.add_argument(
        "--rel-tolerance", type=float, default=0.0, help="|delta| allowed as a fraction of |theirs| (default 0)"
    )
    parser.add_argument(
        "--fail-above", type=fraction, default=0.05, help="largest share of changed or missing keys that passes"
    )
    parser.add_argument("--top-n", type=positive_int, default=20, help="largest deltas listed in the report")
    add_verdict_argument(parser)
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    for flag, value in (("--abs-tolerance", args.abs_tolerance), ("--rel-tolerance", args.rel_tolerance)):
        if not math.isfinite(value) or value < 0:
            raise JobError(f"invalid arguments: {flag} expects a number >= 0, got '{value}' (see --help)")
    check_output_outside_input(args.output, {"--ours": args.ours, "--theirs": args.theirs})
    if args.verdict is not None:
        check_output_file(args.verdict, "--verdict")
    return args


def _side(spark: SparkSession, path: str, input_format: str, side: str, metrics: JobMetrics):
    """One side classified, its counts per reason (None = valid) and its facts for the report."""
    raw = read_table(spark, path, input_format, STATE_COLUMNS, required=STATE_REQUIRED, option=f"--{side}")
    classified = kept_for_reuse(classify_counts(raw, STATE_FIELDS, STATE_KEY))
    counts = reason_counts(classified)
    rejected = {reason: n for reason, n in counts.items() if reason is not None}
    rows = sum(counts.values())
    metrics.log(f"{side}: {rows} rows from {path}, {sum(rejected.values())} rejected")
    facts = {"rows": rows, "valid_rows": counts.get(None, 0), "rejected_rows": sum(rejected.values())}
    return classified, counts, {**facts, "rejected_by_reason": dict(sorted(rejected.items()))}


def gate(class_counts: dict[str, int], fail_above: float) -> dict:
    total = sum(class_counts.values())
    differing = sum(class_counts[c] for c in DIFFERING)
    share = differing / total if total else 0.0
    return {"total_keys": total, "differing_keys": differing, "differing_share": share,
            "fail_above": fail_above, "passed": share <= fail_above}  # fmt: skip


def process(spark: SparkSession, args: argparse.Namespace, out: RunOutput) -> int:
    metrics = out.metrics
    metrics.set("parameters", vars(args))
    ours, ours_counts, ours_facts = _side(spark, args.ours, args.ours_format, "ours", metrics)
    theirs, theirs_counts, theirs_facts = _side(spark, args.theirs, args.theirs_format, "theirs", metrics)
    metrics.loaded(ours_facts["rows"] + theirs_facts["rows"], f"{args.ours} and {args.theirs}")
    by_reason: dict[str, int] = {}
    for facts in (ours_facts, theirs_facts):
        for reason, n in facts["rejected_by_reason"].items():
            by_reason[reason] = by_reason.get(reason, 0) + n
    metrics.rejected(ours_facts["rejected_rows"] + theirs_facts["rejected_rows"], by_reason)
    metrics.set("sides", {"ours": ours_facts, "theirs": theirs_facts})
    metrics.set("valid_rows", ours_facts["valid_rows"] + theirs_facts["valid_rows"])
    # An empty or all-rejected side means nothing was compared: the job failed, whatever the gate would say.
    check_rows(ours_counts, "--ours", args.ours)
    check_rows(theirs_counts, "--theirs", args.theirs)
    rejected = (
        rejected_records(ours)
        .withColumn("side", F.lit("ours"))
        .unionByName(rejected_records(theirs).withColumn("side", F.lit("theirs")))
    )
    out.write_dataset("rejected", rejected, ours_facts["rejected_rows"] + theirs_facts["rejected_rows"])
    tolerances = Tolerances(args.abs_tolerance, args.rel_tolerance)
    compared = compare_totals(valid_records(ours), valid_records(theirs), tolerances).persist(
        StorageLevel.MEMORY_AND_DISK
    )
    found = {row["class"]: row["count"] for row in compared.groupBy("class").count().collect()}
    class_counts = {klass: found.get(klass, 0) for klass in CLASSES}
    verdict = gate(class_counts, args.fail_above)
    metrics.set("classes", class_counts)
    metrics.set("gate", verdict)
    for klass, count in class_counts.items():
        metrics.found(klass, count)
    metrics.found(
        "gate",
        f"{'PASSED' if verdict['passed'] else 'FAILED'} ({verdict['differing_share']:.2%} of keys differ, "
        f"fail above {verdict['fail_above']:.2%})",
    )
    metrics.set("conservation", conservation(ours_facts, theirs_facts, class_counts))
    _write_datasets(compared, out, class_counts)
    report = {
        "ours": args.ours,
        "theirs": args.theirs,
        "key": list(STATE_KEY),
        "tolerances": {"absolute": args.abs_tolerance, "relative": args.rel_tolerance},
        "classes": class_counts,
        **verdict,
        "status": "PASSED" if verdict["passed"] else "FAILED",
        "rejected": {"ours": ours_facts["rejected_by_reason"], "theirs": theirs_facts["rejected_by_reason"]},
        "top_deltas": top_deltas(compared, args.top_n),
        "differences_csv": out.dataset_path("differences"),
    }
    report_text = json.dumps(report, indent=2, sort_keys=True, default=str) + "\n"
    report_path = out.write_file("diff_report", "diff_report.json", report_text)
    picture_path = out.write_picture("picture", PICTURE, deltas_figure(_picture_rows(compared)))
    metrics.set("picture", picture_path)
    compared.unpersist()
    ours.unpersist()
    theirs.unpersist()
    reason = (
        f"{verdict['differing_keys']} of {verdict['total_keys']} keys ({verdict['differing_share']:.2%}) are changed "
        f"or missing, {'at most' if verdict['passed'] else 'above'} --fail-above {verdict['fail_above']:.2%}"
    )
    details = {**{k: v for k, v in verdict.items() if k != "passed"}, "classes": class_counts, "report": report_path}
    return finish_gate(spark, metrics, args.verdict, verdict["passed"], reason, details)


def _write_datasets(compared: DataFrame, out: RunOutput, class_counts: dict[str, int]) -> None:
    out.write_dataset("comparison", compared, sum(class_counts.values()))
    differences = compared.filter(F.col("class") != "equal").orderBy("date", "state")
    differing = sum(class_counts[c] for c in DIFFERING)
    out.write_dataset("differences", differences, differing, output_format="csv", single_csv=True)


def _picture_rows(compared: DataFrame) -> pd.DataFrame:
    """The differing keys, plus every key of the states the picture draws (a few states x their dates)."""
    differing = compared.filter(F.col("class") != "equal").select(
        "date", "state", "cases_delta", "deaths_delta", "class"
    )
    drawn = states_to_draw(differing.toPandas())
    return compared.filter((F.col("class") != "equal") | F.col("state").isin(drawn)).toPandas()


def conservation(ours: dict, theirs: dict, classes: dict[str, int]) -> dict:
    ours_keys = classes["equal"] + classes["changed"] + classes["missing_theirs"]
    theirs_keys = classes["equal"] + classes["changed"] + classes["missing_ours"]
    return {
        "equation": "rows = valid + rejected per side; valid ours = equal + changed + missing_theirs; "
        "valid theirs = equal + changed + missing_ours",
        "ours": {"rows": ours["rows"], "valid": ours["valid_rows"], "rejected": ours["rejected_rows"],
                 "keys": ours_keys},
        "theirs": {"rows": theirs["rows"], "valid": theirs["valid_rows"], "rejected": theirs["rejected_rows"],
                   "keys": theirs_keys},
        "holds": ours["rows"] == ours["valid_rows"] + ours["rejected_rows"]
        and theirs["rows"] == theirs["valid_rows"] + theirs["rejected_rows"]
        and ours["valid_rows"] == ours_keys
        and theirs["valid_rows"] == theirs_keys,
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    return run_output_job(JOB_NAME, lambda: parse_args(argv), process)


if __name__ == "__main__":
    raise SystemExit(main())
