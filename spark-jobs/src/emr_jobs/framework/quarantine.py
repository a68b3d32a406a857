"""Rejected rows kept with their original values and the reason they were rejected."""

from collections.abc import Sequence

from pyspark.sql import DataFrame

from emr_jobs.framework.writers import write_partitioned_parquet

REJECT_REASON_COLUMN = "reject_reason"


def write_quarantine(rejected: DataFrame, path: str, partition_by: Sequence[str]) -> None:
    if REJECT_REASON_COLUMN not in rejected.columns:
        raise ValueError(f"quarantined rows need a '{REJECT_REASON_COLUMN}' column, got {rejected.columns}")
    write_partitioned_parquet(rejected, path, partition_by)
