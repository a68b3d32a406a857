"""Gives every raw row typed values or exactly one reject reason, and keeps rejected rows as they arrived.

Reasons, first failing wins, so a row breaking several rules always gets the same one:
malformed_record; null_<label> (fields in order); unparsable_<label>; out_of_range_<label>; the job's own checks
in their order; then duplicates. Among otherwise valid rows sharing a key, identical copies (the same typed value
in every field) keep the first in a total order and reject the rest as `duplicate_reason`; if any value differs,
every row of the key is rejected as `conflict_reason`: nothing says which one is right, so none is used.
"""

import datetime as dt
from collections.abc import Mapping, Sequence

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.intake.reading import MALFORMED_COLUMN, RAW_RECORD_COLUMN
from emr_jobs.framework.intake.values import (
    DATE_FIRST,
    Field,
    clean_text,
    cleaned_date,
    cleaned_decimal,
    cleaned_timestamp,
    cleaned_whole,
    date_last,
)

RAW_COLUMN = "_raw"  # struct: the original text of every field
REJECT_REASON_COLUMN = "reject_reason"  # why a rejected row was kept aside; null on a valid row
MALFORMED_RECORD = "malformed_record"
DUPLICATE = "duplicate"
CONFLICTING_DUPLICATE = "conflicting_duplicate"
# A job's check: (reason, a boolean over the typed columns; true = rejected, null = passes).
Check = tuple[str, Column]


def null_reason(field: Field) -> str:
    return f"null_{field.reason_label}"


def unparsable_reason(field: Field) -> str:
    return f"unparsable_{field.reason_label}"


def out_of_range_reason(field: Field) -> str:
    return f"out_of_range_{field.reason_label}"


def reasons_for(
    fields: Sequence[Field],
    checks: Sequence[str | Check] = (),
    key: Sequence[str] = (),
    *,
    duplicate_reason: str = DUPLICATE,
    conflict_reason: str = CONFLICTING_DUPLICATE,
) -> tuple[str, ...]:
    """Every reason classify_records can give with these arguments, in priority order, each once: what a job
    documents as its REJECT_REASONS. `checks` may be names alone, so the list is built without a SparkSession."""
    reasons = [MALFORMED_RECORD]
    reasons += [null_reason(field) for field in fields if field.required]
    reasons += [unparsable_reason(field) for field in fields]
    reasons += [out_of_range_reason(field) for field in fields if field.has_range]
    reasons += [check if isinstance(check, str) else check[0] for check in checks]
    if key:
        reasons += [duplicate_reason, conflict_reason]
    return tuple(dict.fromkeys(reasons))


def classify_records(
    raw: DataFrame,
    fields: Sequence[Field],
    *,
    checks: Sequence[Check] = (),
    key: Sequence[str] = (),
    duplicate_reason: str = DUPLICATE,
    conflict_reason: str = CONFLICTING_DUPLICATE,
    order: Sequence[Column] = (),
    carry: Sequence[str] = (),
) -> DataFrame:
    """RAW_COLUMN, MALFORMED_COLUMN, RAW_RECORD_COLUMN, every field typed under its name, REJECT_REASON_COLUMN
    (null = valid). A date or timestamp out of range is null in its typed column (its text stays in RAW_COLUMN).

    `raw` holds each field as text (read_table's frame); a missing MALFORMED_COLUMN counts as false and a missing
    RAW_RECORD_COLUMN as null. `checks` see the typed columns; a check that is null passes. `key` names typed
    columns (rows whose key value is null, possible only for an optional field, form one key); `order` picks which
    identical copy is kept (then the original texts, so the choice never depends on input order). The `carry`
    columns of `raw` pass through unchanged (a stream's arrival time)."""
    missing = [field.name for field in fields if field.name not in raw.columns]
    if missing:
        raise ValueError(f"classify_records: the raw frame lacks the field columns {', '.join(missing)}")
    unknown_key = [name for name in key if name not in {field.name for field in fields}]
    if unknown_key:
        raise ValueError(f"classify_records: the key names no field: {', '.join(unknown_key)}")
    malformed = F.col(MALFORMED_COLUMN) if MALFORMED_COLUMN in raw.columns else F.lit(False)
    raw_record = F.col(RAW_RECORD_COLUMN) if RAW_RECORD_COLUMN in raw.columns else F.lit(None)
    cleaned = raw.select(
        F.struct(*[_quoted(field.name).cast("string").alias(field.name) for field in fields]).alias(RAW_COLUMN),
        F.coalesce(malformed, F.lit(False)).alias(MALFORMED_COLUMN),
        raw_record.cast("string").alias(RAW_RECORD_COLUMN),
        *carry,
        *[_cleaned(field).alias(_clean_name(index)) for index, field in enumerate(fields)],
    )
    typed = cleaned.select(
        RAW_COLUMN,
        MALFORMED_COLUMN,
        RAW_RECORD_COLUMN,
        *carry,
        *[F.col(_clean_name(index)) for index in range(len(fields))],
        *[_typed(field, F.col(_clean_name(index))).alias(field.name) for index, field in enumerate(fields)],
    )
    last = date_last()
    reason = _first_failing([*_field_checks(fields, last), *checks])
    classified = typed.withColumn(REJECT_REASON_COLUMN, reason).select(
        RAW_COLUMN,
        MALFORMED_COLUMN,
        RAW_RECORD_COLUMN,
        *carry,
        *[_in_range_only(field, last).alias(field.name) for field in fields],
        REJECT_REASON_COLUMN,
    )
    if not key:
        return classified
    return _reject_duplicates(classified, fields, key, duplicate_reason, conflict_reason, order)


def valid_records(classified: DataFrame) -> DataFrame:
    """The typed field columns of the valid rows."""
    fields = _field_names(classified)
    return classified.filter(F.col(REJECT_REASON_COLUMN).isNull()).select(*[_quoted(name) for name in fields])


def rejected_records(classified: DataFrame) -> DataFrame:
    """Rejected rows as they arrived: every field's original text, RAW_RECORD_COLUMN, REJECT_REASON_COLUMN."""
    fields = _field_names(classified)
    return classified.filter(F.col(REJECT_REASON_COLUMN).isNotNull()).select(
        *[F.col(RAW_COLUMN).getField(name).alias(name) for name in fields],
        F.col(RAW_RECORD_COLUMN),
        F.col(REJECT_REASON_COLUMN),
    )


def reason_counts(classified: DataFrame) -> dict[str | None, int]:
    """Rows per reason; the key None counts the valid rows."""
    rows = classified.groupBy(REJECT_REASON_COLUMN).count().collect()
    return {row[REJECT_REASON_COLUMN]: row["count"] for row in rows}


def check_rows(counts: Mapping[str | None, int], option: str, path: str) -> None:
    """JobError when an input has no rows, or when every row was rejected (naming the top three reasons)."""
    total = sum(counts.values())
    if total == 0:
        raise JobError(f"{option} {path} has no rows (a header only, or empty files)")
    if counts.get(None, 0) == 0:
        by_count = sorted(((n, reason) for reason, n in counts.items() if n), key=lambda item: (-item[0], item[1]))
        top = ", ".join(f"{reason} {n}" for n, reason in by_count[:3])
        more = f" and {len(by_count) - 3} more reasons" if len(by_count) > 3 else ""
        raise JobError(f"all {total} rows of {option} {path} were rejected: {top}{more}")


def _quoted(name: str) -> Column:
    return F.col("`" + name.replace("`", "``") + "`")


def _clean_name(index: int) -> str:
    return f"_clean_{index}"


def _field_names(classified: DataFrame) -> list[str]:
    return list(classified.schema[RAW_COLUMN].dataType.fieldNames())


def _cleaned(field: Field) -> Column:
    """The cleaned text; a null word (exact match) reads as blank."""
    text = clean_text(_quoted(field.name).cast("string"))
    if field.null_words:
        text = F.when(~text.isin(*field.null_words), text)
    return text


def _typed(field: Field, text: Column) -> Column:
    if field.kind == "decimal":
        return cleaned_decimal(text)
    if field.kind == "whole":
        return cleaned_whole(text)
    if field.kind == "date":
        return cleaned_date(text)
    if field.kind == "timestamp":
        return cleaned_timestamp(text)
    # Control and format characters inside make the text unparsable (not the value it prints like).
    readable = F.when(~text.rlike(r"[\p{Cc}\p{Cf}]"), text)
    return F.upper(readable) if field.upper else readable


def _out_of_range(field: Field, value: Column, last: dt.date) -> Column:
    if field.kind == "date":
        return (value < F.lit(DATE_FIRST)) | (value > F.lit(last))
    if field.kind == "timestamp":
        first = dt.datetime.combine(DATE_FIRST, dt.time(), dt.UTC)
        after_last = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), dt.UTC)
        return (value < F.lit(first)) | (value >= F.lit(after_last))
    below = value < F.lit(field.minimum) if field.minimum is not None else F.lit(False)
    above = value > F.lit(field.maximum) if field.maximum is not None else F.lit(False)
    return below | above


def _in_range_only(field: Field, last: dt.date) -> Column:
    """A date or timestamp outside DATE_FIRST..date_last() stays text only: as a typed value it cannot be
    collected to Python (year 0) or written to parquet (before 1900) by whatever touches the column later."""
    value = _quoted(field.name)
    if field.kind in ("date", "timestamp"):
        return F.when(~_out_of_range(field, value, last), value)
    return value


def _field_checks(fields: Sequence[Field], last: dt.date) -> list[Check]:
    """The intake's checks in priority order, over the cleaned text (_clean_i) and the typed columns."""
    texts = [F.col(_clean_name(index)) for index in range(len(fields))]
    values = [_quoted(field.name) for field in fields]
    checks: list[Check] = [(MALFORMED_RECORD, F.col(MALFORMED_COLUMN))]
    checks += [(null_reason(f), text.isNull()) for f, text in zip(fields, texts, strict=True) if f.required]
    checks += [
        (unparsable_reason(f), text.isNotNull() & value.isNull())
        for f, text, value in zip(fields, texts, values, strict=True)
    ]
    checks += [
        (out_of_range_reason(f), _out_of_range(f, value, last))
        for f, value in zip(fields, values, strict=True)
        if f.has_range
    ]
    return checks


def _first_failing(checks: Sequence[Check]) -> Column:
    """The name of the first check that is true; null when none is (a null check passes)."""
    reason = F.when(F.lit(False), F.lit(None).cast("string"))
    for name, failed in checks:
        reason = reason.when(failed, F.lit(name))
    return reason


def _reject_duplicates(
    classified: DataFrame,
    fields: Sequence[Field],
    key: Sequence[str],
    duplicate_reason: str,
    conflict_reason: str,
    order: Sequence[Column],
) -> DataFrame:
    valid = F.col(REJECT_REASON_COLUMN).isNull()
    raw_order = [F.col(RAW_COLUMN).getField(field.name).asc_nulls_first() for field in fields]
    # Rejected rows share the window of their key but are never compared with valid ones.
    same_key = Window.partitionBy(valid, *[_quoted(name) for name in key]).orderBy(
        *order, *raw_order, F.col(RAW_RECORD_COLUMN).asc_nulls_first()
    )
    whole_key = same_key.rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    values = F.struct(*[_quoted(field.name) for field in fields])
    # One value per key when the least and the greatest row agree in every field.
    conflicting = valid & ~F.min(values).over(whole_key).eqNullSafe(F.max(values).over(whole_key))
    copy = valid & (F.row_number().over(same_key) > 1)
    reason = (
        F.when(conflicting, F.lit(conflict_reason))
        .when(copy, F.lit(duplicate_reason))
        .otherwise(F.col(REJECT_REASON_COLUMN))
    )
    return classified.withColumn(REJECT_REASON_COLUMN, reason)
