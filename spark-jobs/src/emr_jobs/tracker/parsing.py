"""Parses count tables (city or state level) through the intake: every row gets typed values or exactly one reject
reason (schema.py says how each column is read).

Reasons, first failing wins: malformed_record; null_date, null_state, null_count (blank); unparsable_date,
unparsable_<text column> (a control or format character inside), unparsable_count; out_of_range_date (before
1900-01-01 or after tomorrow); negative_count; then, among otherwise valid rows of one key, `duplicate` for identical
copies (one is kept) and `conflicting_duplicate` for EVERY row of a key whose rows differ: nothing says which count
is right, so the key counts as absent (aggregate leaves it out of its state's total; compare reports it missing).
"""

from collections.abc import Sequence

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from emr_jobs.framework.intake import Field, classify_records, reasons_for
from emr_jobs.tracker.schema import CITY_FIELDS, CITY_KEY, METRICS, STATE_FIELDS, STATE_KEY

NEGATIVE_COUNT = "negative_count"
CITY_REJECT_REASONS = reasons_for(CITY_FIELDS, (NEGATIVE_COUNT,), CITY_KEY)
STATE_REJECT_REASONS = reasons_for(STATE_FIELDS, (NEGATIVE_COUNT,), STATE_KEY)


def classify_counts(raw: DataFrame, fields: Sequence[Field], key: Sequence[str]) -> DataFrame:
    """read_table's frame classified (intake.classify_records): the typed fields, the original text, the reason."""
    negative = F.lit(False)
    for metric in METRICS:
        negative = negative | (F.col(metric) < 0)
    return classify_records(raw, fields, checks=[(NEGATIVE_COUNT, negative)], key=key)
