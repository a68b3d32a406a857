"""A tick: one JSON line `{symbol, market, ts, price, volume}` read through the intake's grammar, so a bad value
gets the same reason it would in any batch job (`unparsable_price`, `null_symbol`, ...)."""

from collections.abc import Sequence

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from emr_jobs.framework.intake import (
    RAW_COLUMN,
    RAW_RECORD_COLUMN,
    REJECT_REASON_COLUMN,
    Field,
    classify_records,
    json_lines_as_text,
    reasons_for,
)

TICK_FIELDS = (
    Field("symbol", "text", required=True, upper=True),
    Field("market", "text", required=True, upper=True),
    Field("ts", "timestamp", required=True),
    Field("price", "decimal", required=True),
    Field("volume", "decimal", required=True),
)
TICK_COLUMNS = tuple(field.name for field in TICK_FIELDS)
_CHECK_NAMES = ("non_positive_price", "negative_volume")
LATE = "late"  # behind the watermark when it arrived: its bar was already written
REJECT_REASONS = (*reasons_for(TICK_FIELDS, _CHECK_NAMES), LATE)
# Each tick's original text, kept for rejected/ (a rejected tick is written as it arrived).
TEXT_PREFIX = "text_"
TEXT_COLUMNS = tuple(TEXT_PREFIX + name for name in TICK_COLUMNS)


def classify_ticks(lines: DataFrame, carry: Sequence[str] = ()) -> DataFrame:
    """Lines of JSON (column `value`; batch or streaming) → the typed tick columns, their texts (text_<name>),
    RAW_RECORD_COLUMN, REJECT_REASON_COLUMN (null = valid) and the `carry` columns of `lines` unchanged.
    No duplicate check: it would need state over the whole stream, so a tick sent twice (a producer's retry)
    counts twice in its bar's volume."""
    checks = [
        ("non_positive_price", F.col("price") <= 0),
        ("negative_volume", F.col("volume") < 0),
    ]
    texts = json_lines_as_text(lines, TICK_COLUMNS, carry)
    classified = classify_records(texts, TICK_FIELDS, checks=checks, carry=carry)
    return classified.select(
        *TICK_COLUMNS,
        *carry,
        *[F.col(RAW_COLUMN).getField(name).alias(TEXT_PREFIX + name) for name in TICK_COLUMNS],
        RAW_RECORD_COLUMN,
        REJECT_REASON_COLUMN,
    )
