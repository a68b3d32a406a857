"""Parses count tables (city or state level) and gives every row typed values or exactly one reject reason.

Checks run in a fixed priority order. A date must be YYYY-MM-DD and a real day; a count a whole number of at most
18 digits, not negative. Text columns are trimmed. Among otherwise valid rows, every row after the first of its
key (in the order of cases, deaths, then the original texts) is a `duplicate`.
"""

from collections.abc import Mapping, Sequence

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql.types import DataType, StringType

from emr_jobs.framework.intake import MALFORMED_COLUMN
from emr_jobs.framework.quarantine import REJECT_REASON_COLUMN
from emr_jobs.tracker.schema import METRICS

RAW_COLUMN = "_raw"
REJECT_REASONS = (
    "malformed_record",
    "null_date",
    "null_state",
    "null_count",
    "unparsable_date",
    "unparsable_count",
    "negative_count",
    "duplicate",
)
_DATE_TEXT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_COUNT_TEXT = r"^[+-]?[0-9]{1,18}$"


def _trimmed(name: str) -> Column:
    trimmed = F.trim(F.col(name))
    return F.when(trimmed == "", None).otherwise(trimmed)


def _parsed(name: str, data_type: DataType) -> Column:
    text = _trimmed(name)
    if name == "date":
        return F.when(text.rlike(_DATE_TEXT), F.expr("try_cast(trim(`date`) AS DATE)"))
    if name in METRICS:
        return F.when(text.rlike(_COUNT_TEXT), F.expr(f"try_cast(trim(`{name}`) AS BIGINT)"))
    return text if isinstance(data_type, StringType) else text.cast(data_type)


def classify_counts(raw: DataFrame, columns: Mapping[str, DataType], key: Sequence[str]) -> DataFrame:
    """Typed columns under their names, the original text in RAW_COLUMN, REJECT_REASON_COLUMN (null when valid)."""
    parsed = raw.select(
        F.struct(*[F.col(name) for name in columns]).alias(RAW_COLUMN),
        F.col(MALFORMED_COLUMN),
        *[_parsed(name, data_type).alias(name) for name, data_type in columns.items()],
    )
    text = {name: _trimmed(f"{RAW_COLUMN}.{name}") for name in ("date", "state", *METRICS)}
    checks: list[tuple[str, Column]] = [
        ("malformed_record", F.col(MALFORMED_COLUMN)),
        ("null_date", text["date"].isNull()),
        ("null_state", text["state"].isNull()),
        ("null_count", text["cases"].isNull() | text["deaths"].isNull()),
        ("unparsable_date", F.col("date").isNull()),
        ("unparsable_count", F.col("cases").isNull() | F.col("deaths").isNull()),
        ("negative_count", (F.col("cases") < 0) | (F.col("deaths") < 0)),
    ]
    reason = F.when(checks[0][1], F.lit(checks[0][0]))
    for name, failed in checks[1:]:
        reason = reason.when(failed, F.lit(name))
    classified = parsed.withColumn(REJECT_REASON_COLUMN, reason)
    valid = F.col(REJECT_REASON_COLUMN).isNull()
    total_order = [F.col(m).asc() for m in METRICS] + [F.col(f"{RAW_COLUMN}.{n}").asc_nulls_first() for n in columns]
    same_key = Window.partitionBy(valid, *[F.col(name) for name in key]).orderBy(*total_order)
    duplicate = valid & (F.row_number().over(same_key) > 1)
    return classified.withColumn(
        REJECT_REASON_COLUMN, F.when(duplicate, F.lit("duplicate")).otherwise(F.col(REJECT_REASON_COLUMN))
    )


def valid_counts(classified: DataFrame) -> DataFrame:
    return classified.filter(F.col(REJECT_REASON_COLUMN).isNull()).drop(
        RAW_COLUMN, MALFORMED_COLUMN, REJECT_REASON_COLUMN
    )


def rejected_counts(classified: DataFrame, columns: Mapping[str, DataType]) -> DataFrame:
    """Rejected rows as they arrived (text), with their reason."""
    return classified.filter(F.col(REJECT_REASON_COLUMN).isNotNull()).select(
        *[F.col(f"{RAW_COLUMN}.{name}").cast("string").alias(name) for name in columns], F.col(REJECT_REASON_COLUMN)
    )


def reason_counts(classified: DataFrame) -> dict[str | None, int]:
    return {
        row[REJECT_REASON_COLUMN]: row["count"] for row in classified.groupBy(REJECT_REASON_COLUMN).count().collect()
    }
