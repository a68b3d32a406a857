"""Data-quality gate: evaluates a rules file against an input and stops the pipeline when too many rows break it.

Writes a JSON report (per-rule failure counts and sample rows) to --report. The gate passes when the fraction of
rows failing at least one rule is at most --failure-threshold; it stops when it is above (or the input is empty).

With --verdict URI (what pipelines pass): writes {"verdict": "pass"|"stop", "job", "reason", "details"} there and
exits 0 on pass and on stop, so exit 1 means only that the gate could not run.
Without --verdict: exits 0 on pass, 2 on stop (so an EMR step with ActionOnFailure CANCEL_AND_WAIT stops there),
1 when the gate could not run.
"""

import argparse
import json

from pyspark.sql import SparkSession

from emr_jobs.framework.args import JobArgumentParser, add_input_arguments, fraction, positive_int
from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.filesystem import path_exists, read_text, write_text
from emr_jobs.framework.intake import read_table
from emr_jobs.framework.java_regex import java_regex_checker
from emr_jobs.framework.metrics import JobMetrics
from emr_jobs.framework.outputs import check_output_file
from emr_jobs.framework.runner import run_job
from emr_jobs.framework.session import build_spark_session
from emr_jobs.framework.verdict import add_verdict_argument, finish_gate
from emr_jobs.quality.evaluation import Evaluation, evaluate
from emr_jobs.quality.rules import RuleSet, parse_rules

JOB_NAME = "data_quality"


def build_parser() -> argparse.ArgumentParser:
    """The job's options; also the source of its entry in the job catalogue (emr_jobs.catalog)."""
    parser = JobArgumentParser(prog=JOB_NAME, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_input_arguments(parser)
    parser.add_argument("--rules", required=True, help="rules JSON file (path or s3:// URI)")
    parser.add_argument("--report", required=True, help="where to write the JSON report (path or s3:// URI)")
    parser.add_argument(
        "--failure-threshold", type=fraction, default=0.05, help="largest failing fraction that passes (default 0.05)"
    )
    parser.add_argument("--sample-size", type=positive_int, default=5, help="sample rows per failed rule (default 5)")
    add_verdict_argument(parser)
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def load_rules(spark: SparkSession, uri: str) -> RuleSet:
    if not path_exists(spark, uri):
        raise JobError(f"rules file not found: {uri}")
    return parse_rules(read_text(spark, uri), uri, regex_problem=java_regex_checker(spark))


def build_report(args: argparse.Namespace, evaluation: Evaluation, passed: bool, reason: str) -> dict:
    return {
        "input": args.input,
        "input_format": args.input_format,
        "rules_file": args.rules,
        "failure_threshold": args.failure_threshold,
        "total_rows": evaluation.total_rows,
        "failing_rows": evaluation.failing_rows,
        "failing_fraction": evaluation.failing_fraction,
        "passed": passed,
        "status": "PASSED" if passed else "FAILED",
        "reason": reason,
        "rules": [
            {
                "name": outcome.rule.name,
                "type": outcome.rule.type,
                "columns": list(outcome.rule.columns),
                "failed_rows": outcome.failed_rows,
                "failure_fraction": outcome.failed_rows / evaluation.total_rows if evaluation.total_rows else 0.0,
                "samples": outcome.samples,
            }
            for outcome in evaluation.outcomes
        ],
    }


def gate(evaluation: Evaluation, threshold: float) -> tuple[bool, str]:
    if evaluation.total_rows == 0:
        return False, "input has no rows"
    verdict = "at most" if evaluation.failing_fraction <= threshold else "above"
    reason = (
        f"{evaluation.failing_rows} of {evaluation.total_rows} rows ({evaluation.failing_fraction:.2%}) fail a rule, "
        f"{verdict} the threshold {threshold:.2%}"
    )
    return evaluation.failing_fraction <= threshold, reason


def run(spark: SparkSession, args: argparse.Namespace, metrics: JobMetrics) -> int:
    rule_set = load_rules(spark, args.rules)
    # Every declared column must be in the input: an absent one would read as all-null and pass most rules.
    declared = list(rule_set.columns)
    rows = read_table(
        spark, args.input, args.input_format, rule_set.schema(), required=declared, required_label="declared"
    )
    evaluation = evaluate(rows, rule_set, args.sample_size)
    metrics.loaded(evaluation.total_rows, args.input)
    for outcome in evaluation.outcomes:
        metrics.log(f"Rule {outcome.rule.name} ({outcome.rule.type}): {outcome.failed_rows} rows failed")
    metrics.rejected(
        evaluation.failing_rows, {o.rule.name: o.failed_rows for o in evaluation.outcomes if o.failed_rows}
    )
    passed, reason = gate(evaluation, args.failure_threshold)
    report = build_report(args, evaluation, passed, reason) | metrics.finish(spark)
    write_text(spark, args.report, json.dumps(report, indent=2, sort_keys=True, default=str) + "\n")
    metrics.wrote_file("report", args.report)
    metrics.log(f"Quality gate {'PASSED' if passed else 'FAILED'}: {reason}")
    metrics.set("valid_rows", evaluation.total_rows - evaluation.failing_rows)
    metrics.found("gate", f"{'PASSED' if passed else 'FAILED'} ({reason})")
    details = {
        "total_rows": evaluation.total_rows,
        "failing_rows": evaluation.failing_rows,
        "failing_fraction": evaluation.failing_fraction,
        "failure_threshold": args.failure_threshold,
        "report": args.report,
    }
    exit_code = finish_gate(spark, metrics, args.verdict, passed, reason, details)
    metrics.set("status", "succeeded" if passed else "gate_failed")
    print(metrics.summary(), flush=True)
    return exit_code


def main(argv: list[str] | None = None) -> int:
    def body() -> int:
        args = parse_args(argv)
        check_output_file(args.report, "--report")  # before Spark starts
        if args.verdict is not None:
            check_output_file(args.verdict, "--verdict")
        return run(build_spark_session(JOB_NAME), args, JobMetrics(JOB_NAME))

    return run_job(JOB_NAME, body)


if __name__ == "__main__":
    raise SystemExit(main())
