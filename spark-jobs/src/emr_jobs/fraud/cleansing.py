"""Parses raw claim text and gives every row either a typed claim or exactly one reject reason.

Checks run in a fixed priority order, so a row that breaks several rules always gets the same reason. A claim_id
seen more than once among otherwise valid rows keeps one row, the first in a total order of its original text, so
the choice never depends on input order or partitioning; the others are rejected as `duplicate_claim_id`.
"""

from functools import reduce

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from emr_jobs.framework.quarantine import REJECT_REASON_COLUMN
from emr_jobs.framework.readers import MALFORMED_COLUMN
from emr_jobs.fraud.schema import CLAIM_COLUMNS, COORDINATE_COLUMNS, REQUIRED_COLUMNS, TEXT_COLUMNS

RAW_COLUMN = "_raw"
DUPLICATE_CLAIM_ID = "duplicate_claim_id"
SUBMITTED_BEFORE_SERVICE = "submitted_before_service"
REJECT_REASONS = (
    "malformed_record",
    *(f"null_{name}" for name in REQUIRED_COLUMNS),
    "unparsable_charge_amount",
    "unparsable_service_date",
    "unparsable_submitted_at",
    "unparsable_coordinate",
    "coordinate_out_of_range",
    "non_positive_charge",
    SUBMITTED_BEFORE_SERVICE,
    DUPLICATE_CLAIM_ID,
)
_STATES = ("patient_state", "provider_state")


def _trimmed(name: str) -> Column:
    trimmed = F.trim(F.col(name))
    return F.when(trimmed == "", None).otherwise(trimmed)


def _number(name: str) -> Column:
    # try_cast gives null for unparsable text whatever spark.sql.ansi.enabled says.
    return F.expr(f"try_cast(trim(`{name}`) AS DOUBLE)")


def parse_claims(raw: DataFrame) -> DataFrame:
    """Typed columns under the original names, the original text kept in a struct for quarantine."""
    text = {name: _trimmed(name) for name in TEXT_COLUMNS}
    return raw.select(
        F.struct(*[F.col(name) for name in CLAIM_COLUMNS]).alias(RAW_COLUMN),
        F.col(MALFORMED_COLUMN),
        *[(F.upper(text[name]) if name in _STATES else text[name]).alias(name) for name in TEXT_COLUMNS],
        _number("charge_amount").alias("charge_amount"),
        F.expr("try_cast(trim(service_date) AS DATE)").alias("service_date"),
        F.expr("try_cast(trim(submitted_at) AS TIMESTAMP)").alias("submitted_at"),
        *[_number(name).alias(name) for name in COORDINATE_COLUMNS],
    )


def _not_finite(column: Column) -> Column:
    return column.isNull() | F.isnan(column) | (F.abs(column) == float("inf"))


def _any(columns: list[Column]) -> Column:
    return reduce(lambda a, b: a | b, columns)


def submitted_before_service(service_date: Column, submitted_at: Column) -> Column:
    """A claim cannot be submitted before the day of its service: submitted_at earlier than the service date's
    midnight (in the session's time zone, UTC) is an error in the data, not a claim to score."""
    return submitted_at < service_date.cast("timestamp")


def _reason_checks() -> list[tuple[str, Column]]:
    raw = {name: F.trim(F.col(f"{RAW_COLUMN}.{name}")) for name in CLAIM_COLUMNS}
    present = {name: raw[name].isNotNull() & (raw[name] != "") for name in CLAIM_COLUMNS}
    checks: list[tuple[str, Column]] = [("malformed_record", F.col(MALFORMED_COLUMN))]
    checks += [(f"null_{name}", ~present[name]) for name in REQUIRED_COLUMNS]
    checks.append(("unparsable_charge_amount", _not_finite(F.col("charge_amount"))))
    checks.append(("unparsable_service_date", F.col("service_date").isNull()))
    checks.append(("unparsable_submitted_at", F.col("submitted_at").isNull()))
    checks.append(("unparsable_coordinate", _any([present[c] & _not_finite(F.col(c)) for c in COORDINATE_COLUMNS])))
    out_of_range = [F.abs(F.col(c)) > (90.0 if c.endswith("lat") else 180.0) for c in COORDINATE_COLUMNS]
    checks.append(("coordinate_out_of_range", F.coalesce(_any(out_of_range), F.lit(False))))
    checks.append(("non_positive_charge", F.col("charge_amount") <= 0))
    checks.append((SUBMITTED_BEFORE_SERVICE, submitted_before_service(F.col("service_date"), F.col("submitted_at"))))
    return checks


def classify_claims(raw: DataFrame) -> DataFrame:
    """Parsed claims with REJECT_REASON_COLUMN: null for a valid claim, else the first failed check."""
    parsed = parse_claims(raw)
    checks = _reason_checks()
    reason = F.when(checks[0][1], F.lit(checks[0][0]))
    for name, failed in checks[1:]:
        reason = reason.when(failed, F.lit(name))
    classified = parsed.withColumn(REJECT_REASON_COLUMN, reason)
    valid = F.col(REJECT_REASON_COLUMN).isNull()
    total_order = [F.col(f"{RAW_COLUMN}.{name}").asc_nulls_first() for name in CLAIM_COLUMNS]
    same_claim = Window.partitionBy(valid, F.col("claim_id")).orderBy(*total_order)
    repeated = valid & (F.row_number().over(same_claim) > 1)
    return classified.withColumn(
        REJECT_REASON_COLUMN, F.when(repeated, F.lit(DUPLICATE_CLAIM_ID)).otherwise(F.col(REJECT_REASON_COLUMN))
    )


def valid_claims(classified: DataFrame) -> DataFrame:
    return classified.filter(F.col(REJECT_REASON_COLUMN).isNull()).drop(
        RAW_COLUMN, MALFORMED_COLUMN, REJECT_REASON_COLUMN
    )


def rejected_rows(classified: DataFrame) -> DataFrame:
    """Rejected rows as they arrived (text), with their reason."""
    return classified.filter(F.col(REJECT_REASON_COLUMN).isNotNull()).select(
        *[F.col(f"{RAW_COLUMN}.{name}").alias(name) for name in CLAIM_COLUMNS], F.col(REJECT_REASON_COLUMN)
    )
