"""Financial stream: market ticks (JSON lines {symbol, market, ts, price, volume}) from Kinesis or a directory of
files → event-time OHLCV bars per symbol with the batch job's indicators and anomalies, exactly once.

Outputs under --output, one folder per micro-batch, replaced whole when a batch is replayed (so nothing doubles):
bars/batch=<id>/ (OHLCV + indicators, timestamp = bar start), anomalies/batch=<id>/, rejected/batch=<id>/ (the tick
as it arrived and reject_reason: the intake's reasons or `late`, behind the watermark), and
progress/batch=<id>.json (batch_id, input_rows, rows_per_second, watermark, latency_ms p50/p95).
A bar is written once the watermark (newest tick time - --watermark-seconds) passes its end, so the newest bars
stay open until later ticks arrive. --checkpoint keeps the stream's position and every symbol's state: restart
with the same --checkpoint and --output to continue where the stream stopped.
Stop: create the --stop-marker file (any content); the batch in progress finishes, the job deletes the marker
and exits 0.
Exit codes: 0 stopped or ran out of input (--available-now), 1 bad arguments or the query failed.
"""

import argparse
import os

from pyspark.sql import SparkSession

from emr_jobs.framework.args import JobArgumentParser, positive_int
from emr_jobs.framework.exit_codes import ExitCode, JobError
from emr_jobs.framework.intake import check_output_outside_input
from emr_jobs.framework.runner import run_job
from emr_jobs.framework.session import build_spark_session
from emr_jobs.streaming.alerts import Publish, sns_publisher
from emr_jobs.streaming.batch_output import batch_writer
from emr_jobs.streaming.pipeline import StreamSettings, transform_ticks
from emr_jobs.streaming.progress_metric import AfterBatch, after_each, cloudwatch_progress
from emr_jobs.streaming.sources import default_endpoint, file_lines, kinesis_lines
from emr_jobs.streaming.stop_marker import wait_for_stop
from emr_jobs.streaming.summary import StreamSummary

JOB_NAME = "financial_stream"
SOURCES = ("kinesis", "files")
STARTING_POSITIONS_HINT = "LATEST, TRIM_HORIZON or 'AT_TIMESTAMP YYYY-MM-DDTHH:MM:SSZ'"
STOP_POLL_SECONDS = 2.0


def build_parser() -> argparse.ArgumentParser:
    """The job's options; also the source of its entry in the job catalogue (emr_jobs.catalog)."""
    defaults = StreamSettings()
    parser = JobArgumentParser(prog=JOB_NAME, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--source", required=True, choices=SOURCES, help="kinesis (on EMR) or files (local runs)")
    parser.add_argument("--input", help="files: the directory of JSON-lines tick files (new files are read)")
    parser.add_argument(
        "--max-files-per-trigger", type=positive_int, default=1, help="files: files per micro-batch (default 1)"
    )
    parser.add_argument("--stream-name", help="kinesis: the stream's name")
    parser.add_argument("--region", help="kinesis: the stream's region")
    parser.add_argument("--endpoint-url", help="kinesis: endpoint (default https://kinesis.<region>.amazonaws.com)")
    parser.add_argument(
        "--starting-position",
        default="TRIM_HORIZON",
        help=f"kinesis, first start only (then the checkpoint): {STARTING_POSITIONS_HINT} (default TRIM_HORIZON)",
    )
    parser.add_argument("--output", required=True, help="output root path or URI")
    parser.add_argument("--checkpoint", required=True, help="checkpoint path or URI (keep it to restart)")
    parser.add_argument("--bar-seconds", type=positive_int, default=defaults.bar_seconds, help="bar length (60)")
    parser.add_argument(
        "--watermark-seconds", type=positive_int, default=defaults.watermark_seconds, help="lateness allowed (120)"
    )
    parser.add_argument("--trigger-seconds", type=positive_int, default=10, help="micro-batch interval (default 10)")
    parser.add_argument("--stop-marker", help="path or URI polled every 2 s: when it exists, the job stops")
    parser.add_argument(
        "--alerts-topic",
        help="SNS topic ARN: each anomaly is published once (markers under <output>/_alerts/); needs boto3",
    )
    parser.add_argument(
        "--progress-metric",
        help="CloudWatch NAMESPACE/NAME that gets 1 per batch (the no-progress alarm's metric; needs --region)",
    )
    parser.add_argument(
        "--available-now",
        action="store_true",
        help="files only: process the files present, in micro-batches, then stop (local runs and tests)",
    )
    parser.add_argument(
        "--history-bars",
        type=positive_int,
        default=defaults.history_bars,
        help="closed bars kept per symbol for the indicators (default 5000; exact equality with the batch job "
        "while a symbol has fewer)",
    )
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    args = build_parser().parse_args(argv)
    problems = []
    if args.source == "files" and not args.input:
        problems.append("--source files needs --input DIR")
    if args.progress_metric and not args.region:
        problems.append("--progress-metric needs --region (the CloudWatch region)")
    if args.source == "kinesis":
        problems += [f"--source kinesis needs {flag}" for flag, value in
                     (("--stream-name", args.stream_name), ("--region", args.region)) if not value]  # fmt: skip
        if args.available_now:
            # The connector's README, "Known Limitations": Trigger.AvailableNow is not supported.
            problems.append(
                "--available-now works with --source files only (the Kinesis connector has no AvailableNow)"
            )
    if problems:
        raise JobError("invalid arguments: " + "; ".join(problems))
    if args.input:
        check_output_outside_input(args.output, {"--input": args.input})
        check_output_outside_input(args.checkpoint, {"--input": args.input}, output_option="--checkpoint")
    return args


def settings_from(args: argparse.Namespace) -> StreamSettings:
    return StreamSettings(
        bar_seconds=args.bar_seconds, watermark_seconds=args.watermark_seconds, history_bars=args.history_bars
    )


def start_query(spark: SparkSession, args: argparse.Namespace, after_batch: AfterBatch, publish: Publish | None = None):
    """Starts the query; `after_batch` gets each batch's progress record once its files are written."""
    settings = settings_from(args)
    if args.source == "files":
        lines = file_lines(spark, args.input, args.max_files_per_trigger)
    else:
        endpoint = args.endpoint_url or default_endpoint(args.region)
        lines = kinesis_lines(spark, args.stream_name, args.region, endpoint, args.starting_position)
    writer = (
        transform_ticks(lines, settings)
        .writeStream.queryName(JOB_NAME)
        .foreachBatch(batch_writer(spark, args.output, settings, after_batch, publish))
        .option("checkpointLocation", args.checkpoint)
    )
    if args.available_now:
        return writer.trigger(availableNow=True).start()
    return writer.trigger(processingTime=f"{args.trigger_seconds} seconds").start()


# pyspark's own applyInPandasWithState serializer concatenates all-NA frames, which pandas 2.2 warns about on every
# batch; local Python workers inherit this process's environment (on a cluster the warning stays in executor logs).
_QUIET_WORKERS = "ignore::FutureWarning:pyspark.sql.pandas.serializers"


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYTHONWARNINGS", _QUIET_WORKERS)
    publish = sns_publisher(args.alerts_topic) if args.alerts_topic else None
    heartbeat = cloudwatch_progress(args.progress_metric, args.region) if args.progress_metric else None
    spark = build_spark_session(JOB_NAME)
    summary = StreamSummary()
    query = start_query(spark, args, after_each(summary.add, heartbeat), publish)
    why = wait_for_stop(spark, query, args.stop_marker, STOP_POLL_SECONDS)
    print(summary.text(why), flush=True)
    return ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    return run_job(JOB_NAME, lambda: run(parse_args(argv)))


if __name__ == "__main__":
    raise SystemExit(main())
