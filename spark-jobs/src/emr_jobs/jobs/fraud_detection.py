"""Fraud detection on insurance claims: z-score and IQR outliers per procedure, Benford's law per provider, exact and
near duplicates, six rules, and a fraud score per claim.

Claims are read and checked by the intake (fraud/cleansing.py; the reasons in the README): every row is scored or
rejected with one reason, among them out_of_range_<column> (a charge above 10,000,000, a date before 1900 or after
tomorrow), submitted_before_service, and conflicting_claim_id (one id, different claims: all rejected). An --output
inside --input is refused before Spark starts; an input with no rows, or whose every row is rejected, fails the run.

Outputs under --output, each partitioned by detection_date (--date, default today UTC; a rerun for the same date
replaces it): scored/ (every valid claim with its flags, duplicate_of, score and reasons), flagged/ (score > 0 and
>= --min-fraud-score), high_risk/ (score > 0.7), provider_summary/, rejected/ (original text, raw_record, one reason
per row), _metrics.json and fraud_summary.png. With --date D, _metrics.json and fraud_summary.png go to
--output/_runs/date=D/ (each day keeps its own); without --date they are at the output root. A run that fails
removes what it wrote (RunOutput).
"""

import argparse
import datetime as dt

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from emr_jobs.framework.args import (
    JobArgumentParser,
    add_input_arguments,
    fraction,
    iso_date,
    positive_float,
    positive_int,
)
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
from emr_jobs.framework.metrics import JobMetrics
from emr_jobs.framework.reuse import kept_for_reuse
from emr_jobs.framework.run_output import OUTPUT_FORMATS, RunOutput
from emr_jobs.fraud.cleansing import classify_claims
from emr_jobs.fraud.detection import FLAG_COLUMNS, score_claims, summarize_providers
from emr_jobs.fraud.picture import PICTURE_NAME, TOP_PROVIDERS, render
from emr_jobs.fraud.schema import CLAIM_COLUMNS, REQUIRED_COLUMNS
from emr_jobs.fraud.scoring import is_flagged
from emr_jobs.fraud.settings import FraudSettings

JOB_NAME = "fraud_detection"
DATASETS = ("scored", "flagged", "high_risk", "provider_summary", "rejected")
PARTITION = "detection_date"


def build_parser() -> argparse.ArgumentParser:
    """The job's options; also the source of its entry in the job catalogue (emr_jobs.catalog)."""
    defaults = FraudSettings()
    parser = JobArgumentParser(prog=JOB_NAME, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_input_arguments(parser)
    parser.add_argument("--output", required=True, help="output root path or URI")
    parser.add_argument("--output-format", choices=OUTPUT_FORMATS, default="parquet", help="default parquet")
    parser.add_argument(
        "--date", type=iso_date, help="detection date (YYYY-MM-DD): names the output partition; default today (UTC)"
    )
    parser.add_argument("--zscore-threshold", type=positive_float, default=defaults.zscore_threshold,
                        help="flag |z| above this, per procedure (default 3.0)")  # fmt: skip
    parser.add_argument("--iqr-multiplier", type=positive_float, default=defaults.iqr_multiplier,
                        help="k of the Q1-k*IQR / Q3+k*IQR fences (default 1.5)")  # fmt: skip
    parser.add_argument("--duplicate-threshold", type=fraction, default=defaults.duplicate_threshold,
                        help="near-duplicate similarity at or above this is flagged (default 0.9)")  # fmt: skip
    parser.add_argument("--benford-min-claims", type=positive_int, default=defaults.benford_min_claims,
                        help="providers with fewer claims are not judged by Benford's law (default 30)")  # fmt: skip
    parser.add_argument("--min-fraud-score", type=fraction, default=defaults.min_fraud_score,
                        help="flagged/ holds claims scoring at least this, and above 0 (default 0.0)")  # fmt: skip
    return parser


def settings_from(args: argparse.Namespace) -> FraudSettings:
    return FraudSettings(
        zscore_threshold=args.zscore_threshold,
        iqr_multiplier=args.iqr_multiplier,
        duplicate_threshold=args.duplicate_threshold,
        benford_min_claims=args.benford_min_claims,
        min_fraud_score=args.min_fraud_score,
    )


def detection_date(args: argparse.Namespace) -> dt.date:
    return args.date or dt.datetime.now(dt.UTC).date()


def _counts(scored: DataFrame, settings: FraudSettings) -> dict:
    """Every count the metrics and the summary need, in one pass over scored claims."""
    row = scored.agg(
        F.count(F.lit(1)).alias("scored"),
        F.sum(is_flagged(settings.min_fraud_score).cast("long")).alias("flagged"),
        F.sum(F.col("is_high_risk").cast("long")).alias("high_risk"),
        F.countDistinct("provider_id").alias("providers"),
        *[F.sum(F.col(c).cast("long")).alias(c) for c in FLAG_COLUMNS],
    ).first()
    return {key: int(row[key] or 0) for key in row.asDict()}


def _record_counts(metrics: JobMetrics, counts: dict, input_rows: int, rejected_rows: int) -> None:
    """Conservation, flags and findings in the record; flagged, high-risk and duplicates also in the summary."""
    metrics.set("scored_rows", counts["scored"])
    metrics.set(
        "conservation",
        {
            "input_rows": input_rows,
            "scored_rows": counts["scored"],
            "rejected_rows": rejected_rows,
            "holds": input_rows == counts["scored"] + rejected_rows,
        },
    )
    flags = {c: counts[c] for c in FLAG_COLUMNS}
    metrics.set("flags", flags)
    metrics.log("Flags " + ", ".join(f"{name.removeprefix('is_')} {n}" for name, n in flags.items()))
    metrics.set("flagged", counts["flagged"])
    metrics.set("high_risk", counts["high_risk"])
    metrics.set("duplicates", counts["is_exact_duplicate"] + counts["is_near_duplicate"])
    metrics.set("providers", counts["providers"])
    metrics.set("anomalies", counts["flagged"])  # the record's common field; the summary names it "flagged"
    metrics.found("flagged", counts["flagged"])  # score > 0 and >= --min-fraud-score
    metrics.found("high_risk", counts["high_risk"])  # score > 0.7
    metrics.found("duplicates", metrics.record["duplicates"])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The options, and an --output inside --input refused before Spark starts: a second run would read the first
    run's outputs back as claims."""
    args = build_parser().parse_args(argv)
    check_output_outside_input(args.output, {"--input": args.input})
    return args


def process(spark: SparkSession, args: argparse.Namespace, out: RunOutput) -> int:
    metrics = out.metrics
    settings = settings_from(args)
    day = detection_date(args).isoformat()
    metrics.set("parameters", {**vars(args), "date": day})
    metrics.set("detection_date", day)
    raw = read_table(spark, args.input, args.input_format, CLAIM_COLUMNS, required=REQUIRED_COLUMNS)
    classified = kept_for_reuse(classify_claims(raw))
    by_reason = reason_counts(classified)
    input_rows = sum(by_reason.values())
    rejected_by_reason = {reason: n for reason, n in by_reason.items() if reason is not None}
    rejected_count = sum(rejected_by_reason.values())
    metrics.loaded(input_rows, args.input)
    metrics.rejected(rejected_count, rejected_by_reason)
    metrics.set("valid_rows", input_rows - rejected_count)
    check_rows(by_reason, "--input", args.input)  # before anything is written: a failed run keeps nothing
    stamp = F.lit(day).cast("date").alias(PARTITION)
    owned = {"partition_by": (PARTITION,), "clear": {PARTITION: [day]}, "output_format": args.output_format}

    out.write_dataset("rejected", rejected_records(classified).select("*", stamp), rejected_count, **owned)
    valid = valid_records(classified)
    scored, with_exact = score_claims(valid, settings)
    scored = kept_for_reuse(scored)
    counts = _counts(scored, settings)  # materializes scored, so its persisted intermediate can go
    with_exact.unpersist()
    _record_counts(metrics, counts, input_rows, rejected_count)

    providers = summarize_providers(scored, valid, settings).persist(StorageLevel.MEMORY_AND_DISK)
    outputs = {
        "scored": (scored, counts["scored"]),
        "flagged": (scored.filter(is_flagged(settings.min_fraud_score)), counts["flagged"]),
        "high_risk": (scored.filter(F.col("is_high_risk")), counts["high_risk"]),
        "provider_summary": (providers, counts["providers"]),
    }
    for name, (frame, rows) in outputs.items():
        out.write_dataset(name, frame.select("*", stamp), rows, **owned)
    metrics.set("picture", _write_picture(out, scored, providers))
    providers.unpersist()
    scored.unpersist()
    classified.unpersist()
    return ExitCode.OK


def _write_picture(out: RunOutput, scored: DataFrame, providers: DataFrame) -> str:
    """Scores take few distinct values, so exact counts per score (and the top providers) reach the driver."""
    score_counts = {float(r["fraud_score"]): int(r["count"]) for r in scored.groupBy("fraud_score").count().collect()}
    out.metrics.set("score_distribution", {f"{score:.4f}": n for score, n in sorted(score_counts.items())})
    top = (
        providers.orderBy(F.desc("flagged_share"), F.desc("flagged_claims"), F.asc("provider_id"))
        .limit(TOP_PROVIDERS)
        .collect()
    )
    shown = [(r.provider_id, r.flagged_share, r.flagged_claims) for r in top]
    return out.write_picture("picture", PICTURE_NAME, render(score_counts, shown))


def main(argv: list[str] | None = None) -> int:
    return run_output_job(JOB_NAME, lambda: parse_args(argv), process)


if __name__ == "__main__":
    raise SystemExit(main())
