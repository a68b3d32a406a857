"""Gives every input row one status: kept (the first row of its key in a total order), superseded (pointing at the
kept row's id), or rejected with one reason.

The total order makes the choice independent of input order and partitioning: the order column (descending for
latest_timestamp, ascending for first_seen), then each tie-break column as text, then the row's id, then every
column's text. Two rows equal in all of these are identical, so either may be kept with the same output.

An --id-column value names one row: when otherwise valid rows share an id but differ in any column's text, none of
them can be trusted to be that row, so all are rejected as duplicate_id. Identical copies stay ordinary duplicates
(one kept, the others superseded by it). So every valid id has one content and one key, and a superseded row's
kept_id names exactly one kept row.
"""

from functools import reduce

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from emr_jobs.dedup.spec import KEPT_ID_COLUMN, ROW_ID_COLUMN, DedupSpec
from emr_jobs.framework.intake import MALFORMED_COLUMN, RAW_RECORD_COLUMN, REJECT_REASON_COLUMN, clean_text

STATUS_COLUMN = "_status"
KEPT, SUPERSEDED, REJECTED = "kept", "superseded", "rejected"
REJECT_REASONS = ("malformed_record", "null_key", "null_id", "null_order", "unparsable_order", "duplicate_id")
_ORDER_VALUE = "_order_value"
_RANK = "_rank"
# Joins a row's texts for its content hash; a null is a NUL, so (a, null) and (null, a) differ.
ROW_ID_SEPARATOR, ROW_ID_NULL = "\x1f", "\x00"


def _blank(name: str) -> Column:
    """Null, or nothing but whitespace of any kind (TAB, NBSP, zero-width: the intake's clean_text)."""
    return clean_text(F.col(f"`{name}`")).isNull()


def content_row_id(columns: tuple[str, ...]) -> Column:
    """sha256 (hex) of the row's texts joined by U+001F, a null written as U+0000."""
    texts = [F.coalesce(F.col(f"`{name}`"), F.lit(ROW_ID_NULL)) for name in columns]
    return F.sha2(F.concat_ws(ROW_ID_SEPARATOR, *texts), 256)


def _reason(spec: DedupSpec) -> Column:
    checks: list[tuple[str, Column]] = [("malformed_record", F.col(MALFORMED_COLUMN))]
    checks.append(("null_key", reduce(lambda a, b: a | b, [_blank(key) for key in spec.keys])))
    if spec.id_column:
        checks.append(("null_id", _blank(spec.id_column)))
    checks.append(("null_order", _blank(spec.order_by)))
    checks.append(("unparsable_order", F.col(_ORDER_VALUE).isNull()))
    reason = F.when(checks[0][1], F.lit(checks[0][0]))
    for name, failed in checks[1:]:
        reason = reason.when(failed, F.lit(name))
    return reason


def _duplicate_id(spec: DedupSpec, columns: tuple[str, ...]) -> Column:
    """duplicate_id for an otherwise valid row whose id another otherwise valid row carries with other content."""
    content = F.struct(*[F.col(f"`{name}`") for name in columns])
    same_id = Window.partitionBy(F.col(REJECT_REASON_COLUMN).isNull(), F.col(f"`{spec.id_column}`"))
    differs = ~F.min(content).over(same_id).eqNullSafe(F.max(content).over(same_id))
    return F.when(F.col(REJECT_REASON_COLUMN).isNull() & differs, F.lit("duplicate_id"))


def _total_order(spec: DedupSpec, columns: tuple[str, ...]) -> list[Column]:
    order_value = F.col(_ORDER_VALUE)
    order = [order_value.desc() if spec.strategy == "latest_timestamp" else order_value.asc()]
    for tie in spec.tie_breaks:
        column = F.col(f"`{tie.column}`")
        order.append(column.desc_nulls_last() if tie.descending else column.asc_nulls_first())
    order.append(F.col(f"`{spec.winner_id}`").asc())
    order += [F.col(f"`{name}`").asc_nulls_first() for name in columns]
    return order


def classify_rows(raw: DataFrame, spec: DedupSpec, columns: tuple[str, ...]) -> DataFrame:
    """The input's columns (text), the row id when generated, STATUS_COLUMN, REJECT_REASON_COLUMN, KEPT_ID_COLUMN."""
    # try_cast gives null for unparsable text whatever spark.sql.ansi.enabled says.
    frame = raw.withColumn(_ORDER_VALUE, clean_text(F.col(f"`{spec.order_by}`"))).withColumn(
        _ORDER_VALUE, F.expr(f"try_cast({_ORDER_VALUE} AS TIMESTAMP)")
    )
    if spec.id_column is None:
        frame = frame.withColumn(ROW_ID_COLUMN, content_row_id(columns))
    frame = frame.withColumn(REJECT_REASON_COLUMN, _reason(spec))
    if spec.id_column:
        frame = frame.withColumn(
            REJECT_REASON_COLUMN, F.coalesce(F.col(REJECT_REASON_COLUMN), _duplicate_id(spec, columns))
        )
    valid = F.col(REJECT_REASON_COLUMN).isNull()
    # Rejected rows share the window of their (possibly null) key but are never ranked against valid ones.
    same_key = Window.partitionBy(valid, *[F.col(f"`{key}`") for key in spec.keys]).orderBy(
        *_total_order(spec, columns)
    )
    frame = frame.withColumn(_RANK, F.row_number().over(same_key)).withColumn(
        KEPT_ID_COLUMN, F.first(F.col(f"`{spec.winner_id}`")).over(same_key)
    )
    status = F.when(~valid, F.lit(REJECTED)).when(F.col(_RANK) == 1, F.lit(KEPT)).otherwise(F.lit(SUPERSEDED))
    return frame.withColumn(STATUS_COLUMN, status)


def _data_columns(spec: DedupSpec, columns: tuple[str, ...]) -> list[Column]:
    extra = [ROW_ID_COLUMN] if spec.id_column is None else []
    return [F.col(f"`{name}`") for name in (*columns, *extra)]


def kept_rows(classified: DataFrame, spec: DedupSpec, columns: tuple[str, ...]) -> DataFrame:
    return classified.filter(F.col(STATUS_COLUMN) == KEPT).select(*_data_columns(spec, columns))


def superseded_rows(classified: DataFrame, spec: DedupSpec, columns: tuple[str, ...]) -> DataFrame:
    """Each dropped row as it arrived, with KEPT_ID_COLUMN: the id of the row kept for its key."""
    return classified.filter(F.col(STATUS_COLUMN) == SUPERSEDED).select(
        *_data_columns(spec, columns), F.col(KEPT_ID_COLUMN)
    )


def rejected_rows(classified: DataFrame, columns: tuple[str, ...]) -> DataFrame:
    """Each rejected row as it arrived, RAW_RECORD_COLUMN (the line of a malformed record) and its reason."""
    return classified.filter(F.col(STATUS_COLUMN) == REJECTED).select(
        *[F.col(f"`{name}`") for name in columns], F.col(RAW_RECORD_COLUMN), F.col(REJECT_REASON_COLUMN)
    )
