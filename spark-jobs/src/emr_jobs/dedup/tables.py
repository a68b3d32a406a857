"""The dedup job's tables, as the claimsDaily pipeline runs it (environments/pipelines.ts: --keys claim_id over the
day's claims, --output processed/claims/<date>/): dedup carries every input column as text, so the columns are the
claim file's, all strings. Unpartitioned: the run's day is in the output prefix, not in a `k=v` directory."""

from emr_jobs.dedup.spec import KEPT_ID_COLUMN, ROW_ID_COLUMN
from emr_jobs.framework.tables import Column, Table
from emr_jobs.fraud.schema import CLAIM_COLUMNS

JOB = "dedup"
CLAIM_TEXT = tuple(Column(name, "string", "as read") for name in CLAIM_COLUMNS)
# The pipeline passes no --id-column, so each row carries a content hash as its id (dedup/selection.py).
ROW_ID = Column(ROW_ID_COLUMN, "string", "sha-256 of the row's text: the row's id")

TABLES = (
    Table(
        "dedup_kept", JOB, "kept", (*CLAIM_TEXT, ROW_ID), (), "the one claim kept per claim_id (latest submitted_at)"
    ),
    Table(
        "dedup_superseded",
        JOB,
        "superseded",
        (*CLAIM_TEXT, ROW_ID, Column(KEPT_ID_COLUMN, "string", "the dedup_row_id of the row kept for the same key")),
        (),
        "the claims a later submission replaced",
    ),
)
