"""The value grammar every job reads text with: what a blank, a number, a date and a timestamp look like.

Each builder takes a text column and returns the typed value, or null when the text is not one. The grammars are
narrower than Spark's casts on purpose: Java's float syntax (`100d`, `0x1p3`), `NaN`, `Infinity`, thousands
commas, epoch digits and dates without dashes are all refused instead of read as something nobody wrote. Regexes
run in the JVM (java.util.regex), and every cast below only ever sees text its grammar already accepted, so no
cast can fail whatever spark.sql.ansi.enabled says.
"""

import datetime as dt
from dataclasses import dataclass

from pyspark.sql import Column
from pyspark.sql import functions as F

# Spark writes dates and timestamps from here on without a rebase mode (WRITE_ANCIENT_DATETIME starts before
# 1900-01-01T00:00:00Z for timestamps); Excel's day zero 1899-12-30 and 0001-01-01 are placeholders, not days.
DATE_FIRST = dt.date(1900, 1, 1)

KINDS = ("text", "decimal", "whole", "date", "timestamp")

# Stripped at both ends: ASCII whitespace (TAB included; Spark's trim strips spaces only), every Unicode space
# separator (NBSP, U+2028, ...), NEL, and the zero-width characters editors leave behind (U+200B-U+200D, U+2060,
# the byte-order mark U+FEFF).
_EDGE = r"[\s\p{Z}\x{85}\x{200B}-\x{200D}\x{2060}\x{FEFF}]"
_EDGES = rf"^{_EDGE}+|{_EDGE}+\z"
_INVISIBLE = r"[\p{Cc}\p{Cf}]"
# \z, not $: Java's $ also matches before a final line terminator.
DECIMAL_GRAMMAR = r"^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?\z"
# At most 18 digits, so every accepted value fits a bigint; `21.0` is how pandas writes a whole double.
WHOLE_GRAMMAR = r"^[+-]?[0-9]{1,18}([.]0+)?\z"
# The exponent form of a whole number: Spark renders a whole double of 1e7 or more as `1.0E7`, so a pandas parquet
# count of ten million arrives as that text. Accepted when the value is whole and below 1e18, like the digits form.
WHOLE_EXPONENT_GRAMMAR = r"^[+-]?[0-9]+([.][0-9]+)?[eE][+]?[0-9]{1,2}\z"
_WHOLE_LIMIT = 1e18
DATE_GRAMMAR = r"^([0-9]{4})-([0-9]{2})-([0-9]{2})\z"
TIMESTAMP_GRAMMAR = (
    r"^([0-9]{4})-([0-9]{2})-([0-9]{2})[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:[.]([0-9]{1,9}))?)?"
    r"(Z|[+-][0-9]{2}:[0-9]{2})?\z"
)
_MAX_OFFSET_MINUTES = 18 * 60  # java.time.ZoneOffset's bound


def date_last() -> dt.date:
    """The latest date accepted: today (UTC) + 1 day, so a producer a time zone ahead is not refused.

    Evaluated on the driver when a plan is built and used there as a literal, so one run uses one bound."""
    return dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)


@dataclass(frozen=True)
class Field:
    """One input column: how its text is read and which reasons it can earn (suffix `label`, default `name`)."""

    name: str
    kind: str  # one of KINDS
    required: bool = False  # blank (after cleaning) or a null word -> null_<label>
    label: str | None = None  # the reason suffix; several fields may share one (tracker: cases/deaths -> "count")
    null_words: tuple[str, ...] = ()  # read as blank besides blank itself, matched exactly: ("NULL", "null", "N/A")
    upper: bool = False  # text only: upper-cased, so `sp` and `SP` are one state
    minimum: float | None = None  # decimal/whole only: below -> out_of_range_<label> (inclusive)
    maximum: float | None = None  # decimal/whole only: above -> out_of_range_<label> (inclusive)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"field {self.name}: kind '{self.kind}' is not one of {', '.join(KINDS)}")
        if self.upper and self.kind != "text":
            raise ValueError(f"field {self.name}: upper applies to text, not {self.kind}")
        if (self.minimum is not None or self.maximum is not None) and self.kind not in ("decimal", "whole"):
            raise ValueError(f"field {self.name}: minimum/maximum apply to decimal and whole, not {self.kind}")
        if isinstance(self.null_words, str):
            raise ValueError(f"field {self.name}: null_words is a tuple of words, not the string '{self.null_words}'")

    @property
    def reason_label(self) -> str:
        return self.label or self.name

    @property
    def has_range(self) -> bool:
        """Whether a parsed value can still be out of range (dates always, numbers when bounded)."""
        return self.kind in ("date", "timestamp") or self.minimum is not None or self.maximum is not None


def clean_text(column: Column) -> Column:
    """The text without leading/trailing whitespace of any kind (see _EDGE); blank -> null."""
    cleaned = F.regexp_replace(column, _EDGES, "")
    return F.when(cleaned != "", cleaned)


def has_invisible(column: Column) -> Column:
    """True when the cleaned text still holds a control or format character (`S\\u200bP`): it would print like
    another value and group apart from it."""
    return clean_text(column).rlike(_INVISIBLE)


def decimal_value(column: Column) -> Column:
    """A finite double, or null: `1e400` overflows to infinity and is null like `NaN`, `$1`, `1,234`, `100d`."""
    return cleaned_decimal(clean_text(column))


def whole_value(column: Column) -> Column:
    """A bigint from at most 18 digits, optionally signed, optionally `.0` (pandas' whole doubles), or from a whole
    exponent form below 1e18 (`1.0E7`, how Spark renders a whole double), or null."""
    return cleaned_whole(clean_text(column))


def date_value(column: Column) -> Column:
    """A date from `YYYY-MM-DD` naming a real day, or null. The range is checked separately (DATE_FIRST..)."""
    return cleaned_date(clean_text(column))


def timestamp_value(column: Column) -> Column:
    """A timestamp from `YYYY-MM-DD[T ]HH:MM[:SS[.f{1,9}]][Z|+HH:MM|-HH:MM]`, or null.

    Without a zone the session time zone applies; an offset is at most 18:00; digits past microseconds are
    truncated. A date alone, `20240115` and epoch digits are null: nothing says which instant they mean."""
    return cleaned_timestamp(clean_text(column))


# The builders over text clean_text already returned, so classify_records cleans each column once.


def cleaned_decimal(text: Column) -> Column:
    number = F.when(text.rlike(DECIMAL_GRAMMAR), text).cast("double")
    return F.when(F.abs(number) != float("inf"), number)


def cleaned_whole(text: Column) -> Column:
    digits = F.regexp_replace(text, r"[.]0+\z", "")
    scaled = F.when(text.rlike(WHOLE_EXPONENT_GRAMMAR), text).cast("double")
    scaled_whole = (scaled == F.floor(scaled)) & (F.abs(scaled) < _WHOLE_LIMIT)
    return F.when(text.rlike(WHOLE_GRAMMAR), digits.cast("bigint")).when(scaled_whole, scaled.cast("bigint"))


def cleaned_date(text: Column) -> Column:
    year, month, day = (_group(text, DATE_GRAMMAR, index) for index in (1, 2, 3))
    return F.when(_is_real_day(year, month, day), text).cast("date")


def cleaned_timestamp(text: Column) -> Column:
    def group(index: int) -> Column:
        return F.regexp_extract(F.when(text.rlike(TIMESTAMP_GRAMMAR), text), TIMESTAMP_GRAMMAR, index)

    year, month, day, hour, minute = (group(index).cast("int") for index in (1, 2, 3, 4, 5))
    second = F.when(group(6) == "", F.lit("00")).otherwise(group(6))
    micros = F.rpad(group(7), 6, "0")  # rpad also cuts nanosecond digits to six
    zone = group(8)
    offset = F.when(zone.rlike("^[+-]"), zone)  # null for "" and "Z", so no empty text is ever cast
    offset_hours, offset_minutes = F.substring(offset, 2, 2).cast("int"), F.substring(offset, 5, 2).cast("int")
    offset_ok = (offset_minutes <= 59) & (offset_hours * 60 + offset_minutes <= _MAX_OFFSET_MINUTES)
    zone_ok = zone.isin("", "Z") | offset_ok
    valid = _is_real_day(year, month, day) & (hour <= 23) & (minute <= 59) & (second.cast("int") <= 59) & zone_ok
    # Rebuilt in the one layout Spark's cast reads, from parts already checked, so the cast cannot fail.
    normalized = F.format_string(
        "%s-%s-%s %s:%s:%s.%s%s", group(1), group(2), group(3), group(4), group(5), second, micros, zone
    )
    return F.when(valid, normalized).cast("timestamp")


def _group(text: Column, grammar: str, index: int) -> Column:
    """The digits of one group as an int; null when the text does not match (never an empty-string cast)."""
    return F.regexp_extract(F.when(text.rlike(grammar), text), grammar, index).cast("int")


def _is_real_day(year: Column, month: Column, day: Column) -> Column:
    """Arithmetic, not a cast: Spark's date cast raises on 2021-02-29 when ANSI mode is on."""
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    days_in_month = F.when(month == 2, F.when(leap, 29).otherwise(28)).when(month.isin(4, 6, 9, 11), 30).otherwise(31)
    return (month >= 1) & (month <= 12) & (day >= 1) & (day <= days_in_month)
