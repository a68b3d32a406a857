"""Reading inputs and turning their text into typed, checked records (the public API of every job's intake).

On branch intake-values this exports the values-and-records half only; the reading half (read_table, ...) lands
from branch intake-read.
"""

from emr_jobs.framework.intake.reading import MALFORMED_COLUMN, RAW_RECORD_COLUMN
from emr_jobs.framework.intake.records import (
    CONFLICTING_DUPLICATE,
    DUPLICATE,
    MALFORMED_RECORD,
    RAW_COLUMN,
    Check,
    check_rows,
    classify_records,
    null_reason,
    out_of_range_reason,
    reason_counts,
    reasons_for,
    rejected_records,
    unparsable_reason,
    valid_records,
)
from emr_jobs.framework.intake.values import (
    DATE_FIRST,
    KINDS,
    Field,
    clean_text,
    date_last,
    date_value,
    decimal_value,
    has_invisible,
    timestamp_value,
    whole_value,
)
from emr_jobs.framework.quarantine import REJECT_REASON_COLUMN

__all__ = [
    "CONFLICTING_DUPLICATE",
    "DATE_FIRST",
    "DUPLICATE",
    "KINDS",
    "MALFORMED_COLUMN",
    "MALFORMED_RECORD",
    "RAW_COLUMN",
    "RAW_RECORD_COLUMN",
    "REJECT_REASON_COLUMN",
    "Check",
    "Field",
    "check_rows",
    "classify_records",
    "clean_text",
    "date_last",
    "date_value",
    "decimal_value",
    "has_invisible",
    "null_reason",
    "out_of_range_reason",
    "reason_counts",
    "reasons_for",
    "rejected_records",
    "timestamp_value",
    "unparsable_reason",
    "valid_records",
    "whole_value",
]
