"""Financial data processor: cleanses OHLCV bars, computes technical indicators, flags anomalies and writes
per-market daily summaries.

Outputs under --output: indicators/, market_summary/ and anomalies/ partitioned by market and date,
rejected/ partitioned by date, overview.png (per symbol: close, Bollinger bands, anomalies) and _metrics.json.
With --date D the run's own files (_metrics.json, overview.png) go to --output/_runs/date=D/, so each day keeps
its own; without --date they are at the output root.
With --date only that date's partitions are written (earlier bars are read as look-back for the indicators;
later ones are ignored). A run owns the dates it covers: their partitions in every output are cleared first,
so a rerun replaces them. A run that fails removes what it wrote and the partitions it cleared (RunOutput).

Look-back across days (--history ROOT --lookback-days N, with --date D): besides --input, the bars in
ROOT/<YYYY-MM-DD>/ of the N calendar days before D are read as look-back only (missing days are skipped and listed
in _metrics.json under "history"); only D's bars are output. Day D then equals the last day of one run over the
whole range when the look-back reaches back to the first bar of that range (bit for bit). Otherwise:
  - the window columns (SMA, Bollinger, volatility, price change, z-scores, crossover) see the same bars once the
    look-back holds --zscore-window + 1 bars per symbol (101 by default; _metrics.json "lookback" says whether it
    did), or the longest SMA window if larger; they then agree to ~1e-10 relative (pandas' running sums start at
    the first bar read, so the last bits depend on it);
  - EMA and RSI are recursive and depend on every earlier bar; the start's effect decays by (1 - 2/(p+1)) per
    bar for EMA p and (1 - 1/p) for RSI p: ~400 bars of look-back agree with a full run to ~1e-12 relative.
The default 7 days is ~5 trading days: ~390 five-minute bars of a 6.5-hour session (more for 1-minute bars).
Daily bars need ~150 calendar days for 101 bars; raise --lookback-days for them.
"""

import argparse
import datetime as dt

from pyspark import StorageLevel
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from emr_jobs.financial.anomalies import ANOMALY_COLUMNS
from emr_jobs.financial.cleansing import (
    DEFAULT_MAX_VOLUME,
    RAW_COLUMN,
    TIMESTAMP_FORMATS_HINT,
    classify_bars,
    example_of,
    parse_timestamp,
    rejected_rows,
    valid_bars,
)
from emr_jobs.financial.market_summary import summarize_markets
from emr_jobs.financial.picture import MAX_SYMBOLS, PICTURE_COLUMNS, draw_overview
from emr_jobs.financial.schema import OHLCV_COLUMNS, REQUIRED_COLUMNS
from emr_jobs.financial.settings import IndicatorSettings
from emr_jobs.financial.symbol_indicators import add_indicators_by_partition, add_symbol_indicators
from emr_jobs.framework.args import (
    JobArgumentParser,
    add_input_arguments,
    iso_date,
    positive_float,
    positive_int,
    positive_int_list,
)
from emr_jobs.framework.exit_codes import ExitCode, JobError
from emr_jobs.framework.filesystem import join_uri, path_exists
from emr_jobs.framework.intake import REJECT_REASON_COLUMN, read_table
from emr_jobs.framework.lifecycle import run_output_job
from emr_jobs.framework.metrics import JobMetrics
from emr_jobs.framework.outputs import partition_values_pattern
from emr_jobs.framework.run_output import RunOutput

JOB_NAME = "financial_data_processor"
PARTITIONS = ("market", "date")

# In-scope rows: the run's date (all dates without --date); rows without a usable timestamp belong to every run.
_SCOPE, _IN_SCOPE, _HISTORY, _LATER = "_scope", "in_scope", "history", "later"
# Every output and its partition columns: a run clears its dates in all of them before writing.
OUTPUT_PARTITIONS = {
    "indicators": PARTITIONS,
    "market_summary": PARTITIONS,
    "anomalies": PARTITIONS,
    "rejected": ("date",),
}
PICTURE_FILE = "overview.png"
DEFAULT_LOOKBACK_DAYS = 7


def build_parser() -> argparse.ArgumentParser:
    """The job's options; also the source of its entry in the job catalogue (emr_jobs.catalog)."""
    defaults = IndicatorSettings()
    parser = JobArgumentParser(prog=JOB_NAME, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    add_input_arguments(parser)
    parser.add_argument("--output", required=True, help="output root path or URI")
    parser.add_argument("--date", type=iso_date, help="process and write only this date (YYYY-MM-DD, UTC)")
    parser.add_argument(
        "--history",
        help="root of per-day input folders (<root>/<YYYY-MM-DD>/, same format as --input): the --lookback-days "
        "days before --date are read as look-back only (needs --date)",
    )
    parser.add_argument(
        "--lookback-days",
        type=positive_int,
        default=DEFAULT_LOOKBACK_DAYS,
        help="calendar days before --date read from --history (default 7; see the description for what is exact)",
    )
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
    parser.add_argument(
        "--max-volume",
        type=positive_float,
        default=DEFAULT_MAX_VOLUME,
        help="largest plausible bar volume; above it a row is rejected as implausible_volume (default 1e15)",
    )
    parser.add_argument("--no-picture", action="store_true", help=f"do not draw {PICTURE_FILE}")
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
    """Every indicator and anomaly column for valid bars, in one per-symbol pass (see symbol_indicators)."""
    return add_symbol_indicators(valid, settings)


def _scope_of(run_date: dt.date | None) -> F.Column:
    if run_date is None:
        return F.lit(_IN_SCOPE)
    day = F.lit(run_date)
    return (
        F.when(F.col("date").isNull() | (F.col("date") == day), _IN_SCOPE)
        .when(F.col("date") < day, _HISTORY)
        .otherwise(_LATER)
    )


def _count_by_scope_reason_and_date(classified: DataFrame) -> dict[tuple[str, str | None, dt.date | None], int]:
    rows = classified.groupBy(_SCOPE, REJECT_REASON_COLUMN, "date").count().collect()
    return {(row[_SCOPE], row[REJECT_REASON_COLUMN], row["date"]): row["count"] for row in rows}


def all_rejected_message(classified: DataFrame, rows: int, by_reason: dict[str, int], input_format: str) -> str:
    """Names the top reason with an example value, and what would fix it."""
    reason, count = max(by_reason.items(), key=lambda item: (item[1], item[0]))
    example = example_of(classified.filter(F.col(_SCOPE) == _IN_SCOPE), reason)
    hint = f"is --input-format {input_format} right?"
    if reason == "unparsable_timestamp":
        hint = TIMESTAMP_FORMATS_HINT
    elif reason == "implausible_volume":
        hint = "raise --max-volume if such volumes are real"
    elif reason.startswith("null_"):
        hint = f"column '{reason[5:]}' is empty; {hint}"
    return f"all {rows} input rows were rejected; top reason {reason} ({count} rows), e.g. {example}; {hint}"


def _undated_rows_date(run_date: dt.date | None, dates: list[dt.date]) -> dt.date:
    """Where rejected rows without a usable timestamp are filed (never a null partition): the run's date, else
    the latest date of the run's rows, else today (UTC) when no row has a date at all."""
    if run_date is not None:
        return run_date
    return max(dates) if dates else dt.datetime.now(dt.UTC).date()


def bars_needed_for_complete_windows(settings: IndicatorSettings) -> int:
    """Bars before a day's first bar that fill its windows as a full run's are filled: the return z-score looks at
    the --zscore-window returns before the bar, and each return needs the bar before it; the MA crossover looks at
    the previous bar's long SMA. (EMA and RSI are recursive: see the module description.)"""
    return max(settings.zscore_window + 1, settings.sma_long, settings.bollinger_period, settings.volatility_period)


def _record_lookback(metrics: JobMetrics, classified: DataFrame, settings: IndicatorSettings) -> None:
    """How many valid bars before --date the symbols of --date had, against the number that fills every window."""
    valid = classified.filter(F.col(REJECT_REASON_COLUMN).isNull())
    per_symbol = valid.groupBy("symbol").agg(
        F.sum((F.col(_SCOPE) == _HISTORY).cast("long")).alias("before"),
        F.sum((F.col(_SCOPE) == _IN_SCOPE).cast("long")).alias("on_date"),
    )
    needed = bars_needed_for_complete_windows(settings)
    facts = (
        per_symbol.filter(F.col("on_date") > 0)
        .agg(F.min("before").alias("fewest"), F.sum((F.col("before") < needed).cast("long")).alias("short"))
        .first()
    )
    fewest, short = int(facts["fewest"] or 0), int(facts["short"] or 0)
    metrics.set("lookback", {"bars_needed_for_complete_windows": needed, "fewest_bars_before_date": fewest,
                             "symbols_short": short, "windows_complete": short == 0})  # fmt: skip
    if short:
        metrics.log(
            f"Look-back short: {short} symbols have fewer than {needed} valid bars before the date (fewest {fewest}); "
            "their first bars' window indicators are not those of a run over the whole history (raise --lookback-days)"
        )


def _record_counts(metrics: JobMetrics, counts: dict, source: str) -> tuple[dict[str, int], int]:
    """Records the run's row counts; returns the in-scope rejects by reason and the in-scope rows."""
    in_scope: dict[str | None, int] = {}
    for (scope, reason, _), n in counts.items():
        if scope == _IN_SCOPE:
            in_scope[reason] = in_scope.get(reason, 0) + n
    input_rows = sum(in_scope.values())
    rejected_by_reason = {reason: n for reason, n in in_scope.items() if reason is not None}
    metrics.set("rows_read", sum(counts.values()))
    metrics.set("history_rows", sum(n for (scope, _, _), n in counts.items() if scope == _HISTORY))
    metrics.set("later_rows_ignored", sum(n for (scope, _, _), n in counts.items() if scope == _LATER))
    metrics.loaded(input_rows, source)
    metrics.rejected(sum(rejected_by_reason.values()), rejected_by_reason)
    metrics.set("valid_rows", input_rows - sum(rejected_by_reason.values()))
    return rejected_by_reason, input_rows


def lookback_days(run_date: dt.date, days: int) -> list[dt.date]:
    """The calendar days before the run's date that --history covers, oldest first."""
    return [run_date - dt.timedelta(days=back) for back in range(days, 0, -1)]


def read_history(spark: SparkSession, args: argparse.Namespace, metrics: JobMetrics) -> DataFrame | None:
    """The look-back bars of --history: every row of the existing day folders whose timestamp falls before --date.

    Rows without a usable timestamp and rows dated --date or later are dropped before classification, so a day
    folder's own bad rows (that day's run quarantined them) are never filed again, and a history row can never be
    judged a duplicate of one of --date's bars."""
    if args.history is None:
        return None
    days = lookback_days(args.date, args.lookback_days)
    present = [day for day in days if path_exists(spark, join_uri(args.history, day.isoformat()))]
    missing = [day.isoformat() for day in days if day not in present]
    metrics.set("history", {"root": args.history, "lookback_days": args.lookback_days,
                            "days_read": [d.isoformat() for d in present], "days_missing": missing})  # fmt: skip
    metrics.log(f"Look-back: {len(present)} of {args.lookback_days} days in {args.history}" +
                (f" (missing {', '.join(missing)})" if missing else ""))  # fmt: skip
    if not present:
        return None
    folders = join_uri(args.history, partition_values_pattern([d.isoformat() for d in present]))
    rows = read_table(spark, folders, args.input_format, OHLCV_COLUMNS, required=REQUIRED_COLUMNS)
    return rows.filter(F.to_date(parse_timestamp("timestamp")) < F.lit(args.date))


def no_bars_on_date_message(spark_raw: DataFrame, args: argparse.Namespace, undated_rejects: int) -> str | None:
    """When --date matches no bar of --input but other dates do: one line naming the date, the input's dates and
    the fix (the usual slip: a --date that is not the input folder's day). None when the input has no dated bars."""
    dates = (
        spark_raw.select(F.to_date(parse_timestamp("timestamp")).alias("d"))
        .agg(F.min("d").alias("first"), F.max("d").alias("last"), F.countDistinct("d").alias("days"))
        .first()
    )
    if dates is None or dates["first"] is None:
        return None
    day = args.date.isoformat()
    undated = f"; {undated_rejects} rows without a usable timestamp were not processed" if undated_rejects else ""
    return (
        f"no bars dated {day} in {args.input}: its bars are dated {dates['first']} to {dates['last']} "
        f"({dates['days']} days){undated}; fix: --date within that range, or --input the folder of {day}'s bars"
    )


def classify(spark: SparkSession, args: argparse.Namespace, metrics: JobMetrics) -> tuple[DataFrame, DataFrame]:
    """--input (and the --history look-back) read, every row classified and scoped; cached. Returns the raw
    --input rows too (for the error that names its dates)."""
    raw = read_table(spark, args.input, args.input_format, OHLCV_COLUMNS, required=REQUIRED_COLUMNS)
    history = read_history(spark, args, metrics)
    bars = raw if history is None else raw.unionByName(history)
    classified = (
        classify_bars(bars, max_volume=args.max_volume)
        .withColumn("date", F.to_date("timestamp"))
        .withColumn(_SCOPE, _scope_of(args.date))
        # Only a rejected row's original text is ever written: valid rows do not carry theirs into the cache.
        .withColumn(RAW_COLUMN, F.when(F.col(REJECT_REASON_COLUMN).isNotNull(), F.col(RAW_COLUMN)))
        .persist(StorageLevel.MEMORY_AND_DISK)
    )
    return raw, classified


def _check_rows_in_scope(raw: DataFrame, args: argparse.Namespace, counts: dict, input_rows: int, rejected: int):
    dated_in_scope = any(scope == _IN_SCOPE and date is not None for (scope, _, date) in counts)
    if args.date is not None and not dated_in_scope:
        # Nothing of --date: a run that would only file undated rejects must not clear the day's partitions.
        message = no_bars_on_date_message(raw, args, rejected)
        if message is not None:
            raise JobError(message)
    if input_rows == 0:
        scope = f"for {args.date.isoformat()} " if args.date else ""
        raise JobError(f"no input rows {scope}in {args.input}")


def process(spark: SparkSession, args: argparse.Namespace, out: RunOutput) -> int:
    metrics = out.metrics
    settings = settings_from(args)
    metrics.set("parameters", {**vars(args), "date": args.date.isoformat() if args.date else None})
    raw, classified = classify(spark, args, metrics)
    counts = _count_by_scope_reason_and_date(classified)
    rejected_by_reason, input_rows = _record_counts(metrics, counts, args.input)
    rejected_count = sum(rejected_by_reason.values())
    _check_rows_in_scope(raw, args, counts, input_rows, rejected_count)

    # The run owns its dates: clear them in every output, so no earlier run's rows survive next to this one's.
    dates = sorted({date for (scope, _, date), _ in counts.items() if scope == _IN_SCOPE and date is not None})
    undated_date = _undated_rows_date(args.date, dates)
    owned = sorted({*dates, undated_date})
    owned_dates = {"date": [d.isoformat() for d in owned]}
    cleared = sum(out.clear_partitions(name, columns, owned_dates) for name, columns in OUTPUT_PARTITIONS.items())
    metrics.set("partitions_cleared", cleared)

    rejected = rejected_rows(classified.filter(F.col(_SCOPE) == _IN_SCOPE))
    # A row without a usable timestamp has no date of its own: it is filed under the run's date.
    rejected = rejected.withColumn("date", F.coalesce("date", F.lit(undated_date)))
    out.write_dataset("rejected", rejected, rejected_count, partition_by=OUTPUT_PARTITIONS["rejected"])
    if input_rows == rejected_count:
        raise JobError(all_rejected_message(classified, input_rows, rejected_by_reason, args.input_format))

    if args.date is not None:
        _record_lookback(metrics, classified, settings)
    usable = classified.filter(F.col(_SCOPE) != _LATER)
    # History bars feed the look-back of every window; only the run's dates are written.
    # classify_bars partitioned the bars by symbol, so the indicator pass reads whole symbols per partition.
    indicators_with_history = add_indicators_by_partition(valid_bars(usable).drop(_SCOPE), settings).persist(
        StorageLevel.MEMORY_AND_DISK
    )
    indicators = indicators_with_history
    summary = summarize_markets(indicators_with_history, f"volatility_{settings.volatility_period}")
    if args.date is not None:
        indicators = indicators.filter(F.col("date") == F.lit(args.date))
        summary = summary.filter(F.col("date") == F.lit(args.date))
    facts = _output_facts(indicators)
    _write(out, "indicators", indicators, facts["rows"])
    anomalies = indicators.filter(F.col("anomaly_type").isNotNull()).select(
        "symbol", "timestamp", "close", "volume", "price_change_pct", *ANOMALY_COLUMNS, *PARTITIONS
    )
    _write(out, "anomalies", anomalies, facts["anomalies"])
    metrics.anomalies(facts["anomalies"])
    _write(out, "market_summary", summary, facts["market_days"])

    symbols = list(facts["symbols"])
    metrics.set("symbols", len(symbols))
    metrics.set("markets", list(facts["markets"]))
    metrics.set("dates", list(facts["dates"]))
    if not args.no_picture:
        _draw_picture(spark, out, indicators, symbols)
    indicators_with_history.unpersist()
    classified.unpersist()
    return ExitCode.OK


def _draw_picture(spark: SparkSession, out: RunOutput, indicators: DataFrame, symbols: list) -> None:
    shown = symbols[:MAX_SYMBOLS]
    # Through Arrow, not row by row; set for this collect only, so the session's other toPandas() keep their types.
    arrow = "spark.sql.execution.arrow.pyspark.enabled"
    previous = spark.conf.get(arrow, "false")
    spark.conf.set(arrow, "true")
    try:
        bars = indicators.filter(F.col("symbol").isin(shown)).select(*PICTURE_COLUMNS).toPandas()
    finally:
        spark.conf.set(arrow, previous)
    png, facts = draw_overview(bars, len(symbols), "close with Bollinger bands, anomalies marked")
    out.metrics.set("picture", {"symbols": list(facts.symbols), "bars": facts.bars_plotted,
                                "anomaly_markers": facts.anomaly_markers})  # fmt: skip
    out.write_file("picture", PICTURE_FILE, png)


def _output_facts(indicators: DataFrame):
    """What the metrics need of the outputs, in one job over the persisted indicators (which it also fills): the
    row counts of indicators, anomalies (bars with an anomaly type) and market_summary (one row per market and
    date of the bars), and the symbols, markets and dates. A count per output would each be a job (six for the
    summary's shuffles under adaptive execution) and compute the summary twice or cache it."""
    return indicators.agg(
        F.count(F.lit(1)).alias("rows"),
        F.count("anomaly_type").alias("anomalies"),
        F.count_distinct("market", "date").alias("market_days"),
        F.sort_array(F.collect_set("symbol")).alias("symbols"),
        F.sort_array(F.collect_set("market")).alias("markets"),
        F.sort_array(F.collect_set(F.col("date").cast("string"))).alias("dates"),
    ).first()


def _write(out: RunOutput, dataset: str, frame: DataFrame, rows: int) -> None:
    """`frame` (`rows` rows) partitioned by market and date; no rows: nothing written."""
    columns = [c for c in frame.columns if c not in PARTITIONS] + list(PARTITIONS)
    out.write_dataset(dataset, frame.select(*columns), rows, partition_by=PARTITIONS)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    args = parse_args(argv)
    settings_from(args)  # invalid combinations fail before Spark starts
    if args.history is not None and args.date is None:
        raise JobError("invalid arguments: --history needs --date (the look-back is the days before it) (see --help)")
    return args


def main(argv: list[str] | None = None) -> int:
    return run_output_job(JOB_NAME, lambda: _parse(argv), process)


if __name__ == "__main__":
    raise SystemExit(main())
