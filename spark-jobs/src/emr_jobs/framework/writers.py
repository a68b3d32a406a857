"""Parquet outputs written straight to their final location with Spark's committers."""

from collections.abc import Sequence

from pyspark.sql import DataFrame


def write_partitioned_parquet(frame: DataFrame, path: str, partition_by: Sequence[str]) -> None:
    """Replaces only the partitions present in `frame` (the session runs dynamic partition overwrite).

    Repartitioning by the partition columns first writes one file per partition instead of one per task.
    """
    (
        frame.repartition(*partition_by)
        .write.mode("overwrite")
        .option("compression", "snappy")
        .partitionBy(*partition_by)
        .parquet(path)
    )
