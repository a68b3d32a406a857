"""Financial data processor: cleanses OHLCV bars, computes technical indicators, flags anomalies and writes
per-market daily summaries.

Outputs under --output: indicators/, market_summary/ and anomalies/ partitioned by market and date,
rejected/ partitioned by date, and _metrics.json. With --date only that date's partitions are written
(earlier bars are read as look-back for the indicators; later ones are ignored), and a rerun replaces them.
"""

import argparse
import datetime as dt

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from emr_jobs.financial.anomalies import ANOMALY_COLUMNS, add_anomalies
from emr_jobs.financial.cleansing import classify_bars, rejected_rows, valid_bars
from emr_jobs.financial.market_summary import summarize_markets
from emr_jobs.financial.recursive_indicators import add_recursive_indicators
from emr_jobs.financial.schema import OHLCV_COLUMNS, REQUIRED_COLUMNS
from emr_jobs.financial.settings import IndicatorSettings
from emr_jobs.financial.window_indicators import add_window_indicators
from emr_jobs.framework.args import (
    JobArgumentParser,
    add_input_arguments,
    iso_date,
    positive_float,
    positive_int,
    positive_int_list,
)
from emr_jobs.framework.exit_codes import ExitCode, JobError
from emr_jobs.framework.filesystem import join_uri
from emr_jobs.framework.metrics import JobMetrics
from emr_jobs.framework.quarantine import REJECT_REASON_COLUMN, write_quarantine
from emr_jobs.framework.readers import read_raw_table
from emr_jobs.framework.runner import run_job
from emr_jobs.framework.session import build_spark_session
from emr_jobs.framework.writers import write_partitioned_parquet

JOB_NAME = "financial_data_processor"
PARTITIONS = ("market", "date")

# In-scope rows: the run's date (all dates without --date); rows without a usable timestamp belong to every run.
_SCOPE, _IN_SCOPE, _HISTORY, _LATER = "_scope", "in_scope", "history", "later"


def build_parser() -> argparse.ArgumentParser:
    """The job's options; also the source of its entry in the job catalogue (emr_jobs.catalog)."""
    defaults = IndicatorSettings()
    parser = JobArgumentParser(prog=JOB_NAME, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_input_arguments(parser)
    parser.add_argument("--output", required=True, help="output root path or URI")
    parser.add_argument("--date", type=iso_date, help="process and write only this date (YYYY-MM-DD, UTC)")
    parser.add_argument("--sma-windows", type=positive_int_list, default=defaults.sma_windows, help="default 20,50")
    parser.add_argument("--rsi-period", type=positive_int, default=defaults.rsi_period, help="default 14")
    parser.add_argument("--zscore-window", type=positive_int, default=defaults.zscore_window, help="default 100")
    parser.add_argument(
        "--zscore-min-periods", type=positive_int, default=defaults.zscore_min_periods, help="default 20"
    )
    parser.add_argument(
        "--zscore-threshold", type=positive_float, default=defaults.zscore_threshold, help="default 3.0"
    )
    parser.add_argument("--bollinger-period", type=positive_int, default=defaults.bollinger_period, help="default 20")
    parser.add_argument(
        "--bollinger-stddev", type=positive_float, default=defaults.bollinger_stddev, help="default 2.0"
    )
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def settings_from(args: argparse.Namespace) -> IndicatorSettings:
    return IndicatorSettings(
        sma_windows=tuple(args.sma_windows),
        rsi_period=args.rsi_period,
        bollinger_period=args.bollinger_period,
        bollinger_stddev=args.bollinger_stddev,
        zscore_window=args.zscore_window,
        zscore_min_periods=args.zscore_min_periods,
        zscore_threshold=args.zscore_threshold,
    )


def compute_indicators(valid: DataFrame, settings: IndicatorSettings) -> DataFrame:
    """Every indicator and anomaly column for valid bars (recursive ones first: they need a per-symbol pass)."""
    with_recursive = add_recursive_indicators(valid, settings.ema_periods, settings.rsi_period)
    return add_anomalies(add_window_indicators(with_recursive, settings), settings)


def _scope_of(run_date: dt.date | None) -> F.Column:
    if run_date is None:
        return F.lit(_IN_SCOPE)
    day = F.lit(run_date)
    return (
        F.when(F.col("date").isNull() | (F.col("date") == day), _IN_SCOPE)
        .when(F.col("date") < day, _HISTORY)
        .otherwise(_LATER)
    )


def _count_by_scope_and_reason(classified: DataFrame) -> dict[tuple[str, str | None], int]:
    rows = classified.groupBy(_SCOPE, REJECT_REASON_COLUMN).count().collect()
    return {(row[_SCOPE], row[REJECT_REASON_COLUMN]): row["count"] for row in rows}


def process(spark: SparkSession, args: argparse.Namespace, metrics: JobMetrics) -> int:
    settings = settings_from(args)
    metrics.set("parameters", {**vars(args), "date": args.date.isoformat() if args.date else None})
    raw = read_raw_table(spark, args.input, args.input_format, OHLCV_COLUMNS, required=REQUIRED_COLUMNS)
    classified = (
        classify_bars(raw)
        .withColumn("date", F.to_date("timestamp"))
        .withColumn(_SCOPE, _scope_of(args.date))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    counts = _count_by_scope_and_reason(classified)
    in_scope = {reason: n for (scope, reason), n in counts.items() if scope == _IN_SCOPE}
    input_rows = sum(in_scope.values())
    rejected_by_reason = {reason: n for reason, n in in_scope.items() if reason is not None}
    rejected_count = sum(rejected_by_reason.values())
    metrics.set("rows_read", sum(counts.values()))
    metrics.set("history_rows", sum(n for (scope, _), n in counts.items() if scope == _HISTORY))
    metrics.set("later_rows_ignored", sum(n for (scope, _), n in counts.items() if scope == _LATER))
    metrics.loaded(input_rows, args.input)
    metrics.rejected(rejected_count, rejected_by_reason)
    metrics.set("valid_rows", input_rows - rejected_count)
    if input_rows == 0:
        scope = f"for {args.date.isoformat()} " if args.date else ""
        raise JobError(f"no input rows {scope}in {args.input}")

    rejected = rejected_rows(classified.filter(F.col(_SCOPE) == _IN_SCOPE))
    if args.date is not None:  # a row without a usable timestamp is reported under the run's date
        rejected = rejected.withColumn("date", F.coalesce("date", F.lit(args.date)))
    rejected_path = join_uri(args.output, "rejected")
    if rejected_count:
        write_quarantine(rejected, rejected_path, partition_by=("date",))
    metrics.wrote("rejected", rejected_count, rejected_path)
    if input_rows == rejected_count:
        raise JobError(f"all {input_rows} input rows were rejected (is --input-format {args.input_format} right?)")

    usable = classified.filter(F.col(_SCOPE) != _LATER)
    # History bars feed the look-back of every window; only the run's dates are written.
    indicators_with_history = compute_indicators(valid_bars(usable).drop(_SCOPE), settings).persist(
        StorageLevel.MEMORY_AND_DISK
    )
    indicators = indicators_with_history
    summary = summarize_markets(indicators_with_history, f"volatility_{settings.volatility_period}")
    if args.date is not None:
        indicators = indicators.filter(F.col("date") == F.lit(args.date))
        summary = summary.filter(F.col("date") == F.lit(args.date))
    _write(metrics, "indicators", indicators, args.output)
    anomalies = indicators.filter(F.col("anomaly_type").isNotNull()).select(
        "symbol", "timestamp", "close", "volume", "price_change_pct", *ANOMALY_COLUMNS, *PARTITIONS
    )
    anomaly_count = _write(metrics, "anomalies", anomalies, args.output)
    metrics.anomalies(anomaly_count)
    _write(metrics, "market_summary", summary, args.output)

    scope_facts = indicators.agg(
        F.countDistinct("symbol").alias("symbols"),
        F.sort_array(F.collect_set("market")).alias("markets"),
        F.sort_array(F.collect_set(F.col("date").cast("string"))).alias("dates"),
    ).first()
    metrics.set("symbols", scope_facts["symbols"])
    metrics.set("markets", list(scope_facts["markets"]))
    metrics.set("dates", list(scope_facts["dates"]))
    indicators_with_history.unpersist()
    classified.unpersist()
    return ExitCode.OK


def _write(metrics: JobMetrics, dataset: str, frame: DataFrame, output: str) -> int:
    path = join_uri(output, dataset)
    columns = [c for c in frame.columns if c not in PARTITIONS] + list(PARTITIONS)
    rows = frame.count()
    if rows:  # an empty write would still replace nothing, but would create an empty directory tree
        write_partitioned_parquet(frame.select(*columns), path, PARTITIONS)
    metrics.wrote(dataset, rows, path)
    return rows


def main(argv: list[str] | None = None) -> int:
    def body() -> int:
        args = parse_args(argv)
        settings_from(args)  # invalid combinations fail before Spark starts
        metrics = JobMetrics(JOB_NAME)
        spark = build_spark_session(JOB_NAME)
        metrics.set("status", "failed")  # until process() returns
        try:
            exit_code = process(spark, args, metrics)
            metrics.set("status", "succeeded")
            return exit_code
        finally:
            metrics.finish(spark)
            metrics.write(spark, join_uri(args.output, "_metrics.json"))
            print(metrics.to_json(), flush=True)

    return run_job(JOB_NAME, body)


if __name__ == "__main__":
    raise SystemExit(main())
