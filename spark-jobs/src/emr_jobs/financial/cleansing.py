"""Parses raw OHLCV text and gives every row either a typed bar or exactly one reject reason.

Checks run in a fixed priority order, so a row that breaks several rules always gets the same reason.
Duplicates are judged only among otherwise valid rows: the kept row is the first in a total order of its
values, so the choice never depends on input order or partitioning.
"""

from functools import reduce

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from emr_jobs.financial.schema import NUMERIC_COLUMNS, OHLCV_COLUMNS, PRICE_COLUMNS, REQUIRED_COLUMNS
from emr_jobs.framework.intake import MALFORMED_COLUMN, REJECT_REASON_COLUMN

RAW_COLUMN = "_raw"
DUPLICATE = "duplicate"
# A volume above this is a unit or parsing slip (1e20, 1e300), not a trade: the busiest instruments trade
# ~1e13 units a day (low-priced tokens), so the default leaves two orders of magnitude; --max-volume changes it.
DEFAULT_MAX_VOLUME = 1e15
# Accepted timestamp text (documented in the README): what Spark's CAST(... AS TIMESTAMP) accepts, i.e. ISO-8601
# dates and date-times with 'T' or a space, optional fraction and zone (2024-01-02, 2024-01-02T09:30:00Z,
# 2024-01-02 09:30:00.5+01:00), plus epoch seconds: 9 or 10 digits with an optional fraction (1973-03-03 to
# 2286-11-20). 13-digit epoch milliseconds are refused, not read as a date 50,000 years away.
EPOCH_SECONDS_PATTERN = r"^[0-9]{9,10}([.][0-9]{1,6})?$"
TIMESTAMP_FORMATS_HINT = (
    "accepted timestamps: ISO-8601 (2024-01-02, 2024-01-02T09:30:00Z, 2024-01-02 09:30:00.5+01:00) "
    "or epoch seconds (9-10 digits, optional fraction)"
)
REJECT_REASONS = (
    "malformed_record",
    *(f"null_{name}" for name in REQUIRED_COLUMNS),
    "unparsable_timestamp",
    "unparsable_number",
    "non_positive_price",
    "high_below_low",
    "close_outside_range",
    "negative_volume",
    "implausible_volume",
    DUPLICATE,
)


def _blank_as_null(name: str) -> Column:
    trimmed = F.trim(F.col(name))
    return F.when(trimmed == "", None).otherwise(trimmed)


def parse_bars(raw: DataFrame) -> DataFrame:
    """Typed columns under the original names, the original text kept in a struct for quarantine."""
    text = {name: _blank_as_null(name) for name in ("symbol", "market", "source")}
    # try_cast gives null for unparsable text whatever spark.sql.ansi.enabled says.
    return raw.select(
        F.struct(*[F.col(name) for name in OHLCV_COLUMNS]).alias(RAW_COLUMN),
        F.col(MALFORMED_COLUMN),
        text["symbol"].alias("symbol"),
        text["market"].alias("market"),
        parse_timestamp("timestamp").alias("timestamp"),
        *[F.expr(f"try_cast(trim(`{name}`) AS DOUBLE)").alias(name) for name in NUMERIC_COLUMNS],
        text["source"].alias("source"),
    )


def parse_timestamp(name: str) -> Column:
    """ISO-8601 text as Spark casts it, or epoch seconds (EPOCH_SECONDS_PATTERN); null when neither."""
    epoch = F.expr(f"timestamp_seconds(try_cast(trim(`{name}`) AS DECIMAL(16, 6)))")
    iso = F.expr(f"try_cast(trim(`{name}`) AS TIMESTAMP)")
    return F.when(F.trim(F.col(name)).rlike(EPOCH_SECONDS_PATTERN), epoch).otherwise(iso)


def _is_not_finite(column: Column) -> Column:
    return column.isNull() | F.isnan(column) | (F.abs(column) == float("inf"))


def _reason_checks(max_volume: float = DEFAULT_MAX_VOLUME) -> list[tuple[str, Column]]:
    raw = {name: F.trim(F.col(f"{RAW_COLUMN}.{name}")) for name in REQUIRED_COLUMNS}
    checks: list[tuple[str, Column]] = [("malformed_record", F.col(MALFORMED_COLUMN))]
    checks += [(f"null_{name}", raw[name].isNull() | (raw[name] == "")) for name in REQUIRED_COLUMNS]
    checks.append(("unparsable_timestamp", F.col("timestamp").isNull()))
    checks.append(
        ("unparsable_number", reduce(lambda a, b: a | b, [_is_not_finite(F.col(c)) for c in NUMERIC_COLUMNS]))
    )
    checks.append(("non_positive_price", reduce(lambda a, b: a | b, [F.col(c) <= 0 for c in PRICE_COLUMNS])))
    checks.append(("high_below_low", F.col("high") < F.col("low")))
    checks.append(("close_outside_range", (F.col("close") < F.col("low")) | (F.col("close") > F.col("high"))))
    checks.append(("negative_volume", F.col("volume") < 0))
    checks.append(("implausible_volume", F.col("volume") > max_volume))
    return checks


def classify_bars(raw: DataFrame, max_volume: float = DEFAULT_MAX_VOLUME) -> DataFrame:
    """Parsed bars with REJECT_REASON_COLUMN: null for a valid bar, else the first failed check."""
    # One shuffle by symbol serves both the duplicate window below (its keys contain symbol, so Spark adds no
    # exchange of its own) and the job's per-symbol indicator pass, which reads each partition's whole symbols
    # (symbol_indicators.add_indicators_by_partition) instead of shuffling and sorting every bar again.
    parsed = parse_bars(raw).repartition("symbol")
    checks = _reason_checks(max_volume)
    reason = F.when(checks[0][1], F.lit(checks[0][0]))
    for name, failed in checks[1:]:
        reason = reason.when(failed, F.lit(name))
    classified = parsed.withColumn(REJECT_REASON_COLUMN, reason)

    valid = F.col(REJECT_REASON_COLUMN).isNull()
    total_order = [F.col(c).asc_nulls_first() for c in ("market", *NUMERIC_COLUMNS, "source")] + [
        F.col(f"{RAW_COLUMN}.{name}").asc_nulls_first() for name in OHLCV_COLUMNS
    ]
    same_bar = Window.partitionBy(valid, F.col("symbol"), F.col("timestamp")).orderBy(*total_order)
    is_duplicate = valid & (F.row_number().over(same_bar) > 1)
    return classified.withColumn(
        REJECT_REASON_COLUMN, F.when(is_duplicate, F.lit(DUPLICATE)).otherwise(F.col(REJECT_REASON_COLUMN))
    )


def valid_bars(classified: DataFrame) -> DataFrame:
    return classified.filter(F.col(REJECT_REASON_COLUMN).isNull()).drop(
        RAW_COLUMN, MALFORMED_COLUMN, REJECT_REASON_COLUMN
    )


def rejected_rows(classified: DataFrame) -> DataFrame:
    """Rejected rows as they arrived (text), with their reason and the date of their parsed timestamp."""
    return classified.filter(F.col(REJECT_REASON_COLUMN).isNotNull()).select(
        *[F.col(f"{RAW_COLUMN}.{name}").alias(name) for name in OHLCV_COLUMNS],
        F.col(REJECT_REASON_COLUMN),
        F.to_date(F.col("timestamp")).alias("date"),
    )


def _first_unparsable_number() -> Column:
    checks = F.when(F.lit(False), None)
    for name in NUMERIC_COLUMNS:
        checks = checks.when(_is_not_finite(F.col(name)), _quoted(name))
    return checks


def _quoted(name: str) -> Column:
    return F.format_string(f"{name} '%s'", F.col(f"{RAW_COLUMN}.{name}"))


def reject_evidence(reason: str) -> Column:
    """The raw text that earned a row its reason, for messages: `timestamp '1704153600000'`."""
    if reason == "unparsable_timestamp":
        return _quoted("timestamp")
    if reason == "unparsable_number":
        return _first_unparsable_number()
    if reason in ("negative_volume", "implausible_volume"):
        return _quoted("volume")
    if reason in ("non_positive_price", "high_below_low", "close_outside_range"):
        return F.concat_ws(", ", *[_quoted(name) for name in PRICE_COLUMNS])
    if reason == DUPLICATE:
        return F.concat_ws(", ", _quoted("symbol"), _quoted("timestamp"))
    return F.concat_ws(", ", *[_quoted(name) for name in OHLCV_COLUMNS])  # malformed or missing values


def example_of(classified: DataFrame, reason: str) -> str | None:
    row = classified.filter(F.col(REJECT_REASON_COLUMN) == reason).select(reject_evidence(reason)).first()
    return None if row is None else row[0]
