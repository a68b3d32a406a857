"""Intake: how every job reads its input (as text, each file checked for what it is) and refuses an output that
would land inside it. The values/records names (intake.values, intake.records) join these at merge."""

from emr_jobs.framework.intake.paths import check_output_outside_input
from emr_jobs.framework.intake.reading import (
    MALFORMED_COLUMN,
    RAW_RECORD_COLUMN,
    SUPPORTED_FORMATS,
    declared_columns,
    read_table,
)

# Names from intake.values and intake.records (branch intake-values) are added here at merge.
__all__ = [
    "MALFORMED_COLUMN",
    "RAW_RECORD_COLUMN",
    "SUPPORTED_FORMATS",
    "check_output_outside_input",
    "declared_columns",
    "read_table",
]
