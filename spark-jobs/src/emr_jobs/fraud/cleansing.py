"""Claims through the intake: every row a typed claim or exactly one reject reason, its original text kept.

The intake (framework.intake.classify_records) checks, first failing wins: `malformed_record`; `null_<column>`
(blank after trimming any whitespace, or a null word in an id column); `unparsable_<column>` (outside the value's
grammar, not finite, or an invisible character inside a text; any coordinate: `unparsable_coordinate`);
`out_of_range_<column>` (a charge above MAXIMUM_CHARGE, a date or time before 1900-01-01 or after tomorrow UTC).
Then the fraud checks below, in order. Then a claim_id repeated among otherwise valid rows: identical claims keep
one (the first in the order of its original text) and the others are `duplicate_claim_id`; different claims under
one id are all `conflicting_claim_id`, since nothing says which one is right.
"""

from functools import reduce

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F

from emr_jobs.framework.intake import Field, classify_records
from emr_jobs.fraud.schema import COORDINATE_COLUMNS
from emr_jobs.fraud.settings import MAXIMUM_CHARGE

ID_COLUMNS = ("claim_id", "patient_id", "provider_id", "procedure_code")
NULL_WORDS = ("NULL", "null", "N/A")  # what exports write for a missing id; read as blank
CLAIM_FIELDS = (
    *(Field(name, "text", required=True, null_words=NULL_WORDS) for name in ID_COLUMNS),
    Field("charge_amount", "decimal", required=True, maximum=MAXIMUM_CHARGE),
    Field("service_date", "date", required=True),
    Field("submitted_at", "timestamp", required=True),
    Field("patient_state", "text", required=True, upper=True),
    Field("provider_state", "text", required=True, upper=True),
    *(Field(name, "decimal", label="coordinate") for name in COORDINATE_COLUMNS),
)
COORDINATE_LIMITS = {name: 90.0 if name.endswith("lat") else 180.0 for name in COORDINATE_COLUMNS}
DUPLICATE_CLAIM_ID = "duplicate_claim_id"
CONFLICTING_CLAIM_ID = "conflicting_claim_id"
SUBMITTED_BEFORE_SERVICE = "submitted_before_service"


def submitted_before_service(service_date: Column, submitted_at: Column) -> Column:
    """A claim cannot be submitted before the day of its service: submitted_at earlier than the service date's
    midnight (in the session's time zone, UTC) is an error in the data, not a claim to score."""
    return submitted_at < service_date.cast("timestamp")


def fraud_checks() -> list[tuple[str, Column]]:
    """The job's own reasons over the typed columns, in priority order (a null check passes)."""
    beyond = [F.abs(F.col(name)) > F.lit(limit) for name, limit in COORDINATE_LIMITS.items()]
    return [
        ("coordinate_out_of_range", reduce(lambda a, b: a | b, beyond)),
        ("non_positive_charge", F.col("charge_amount") <= 0),
        (SUBMITTED_BEFORE_SERVICE, submitted_before_service(F.col("service_date"), F.col("submitted_at"))),
    ]


def classify_claims(raw: DataFrame) -> DataFrame:
    """read_table's claims classified: typed columns, the original text, REJECT_REASON_COLUMN (null = valid)."""
    return classify_records(
        raw,
        CLAIM_FIELDS,
        checks=fraud_checks(),
        key=("claim_id",),
        duplicate_reason=DUPLICATE_CLAIM_ID,
        conflict_reason=CONFLICTING_CLAIM_ID,
    )
