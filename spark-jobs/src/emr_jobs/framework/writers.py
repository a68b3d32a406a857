"""Parquet outputs written straight to their final location with Spark's committers."""

from collections.abc import Sequence

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F


def never_null(column: str, dataset: str) -> Column:
    """The partition column, failing the write on a null: Spark would file it under
    __HIVE_DEFAULT_PARTITION__, a directory pandas and pyarrow cannot read back (a typed date that is not a date).
    Checked row by row inside the write itself, so it costs no extra pass over the data."""
    value = F.col(column)
    message = f"null value in partition column '{column}' of {dataset}: a job must give every row a partition"
    return F.when(value.isNull(), F.raise_error(F.lit(message))).otherwise(value).alias(column)


def write_partitioned_parquet(frame: DataFrame, path: str, partition_by: Sequence[str]) -> None:
    """Replaces only the partitions present in `frame` (the session runs dynamic partition overwrite).

    Repartitioning by the partition columns first writes one file per partition instead of one per task.
    A null partition value fails the write (see never_null); jobs clear their in-scope partitions first
    (emr_jobs.framework.outputs) so partitions the new run has no rows for do not keep old rows.
    """
    guarded = frame.select(
        *[never_null(c, path) if c in partition_by else F.col(f"`{c}`") for c in frame.columns],
    )
    (
        guarded.repartition(*partition_by)
        .write.mode("overwrite")
        .option("compression", "snappy")
        .partitionBy(*partition_by)
        .parquet(path)
    )
