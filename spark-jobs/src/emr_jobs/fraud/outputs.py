"""Writing the fraud job's datasets: one partition per detection date, in the chosen format, replaced on rerun."""

from pyspark.sql import DataFrame, SparkSession

from emr_jobs.framework.filesystem import filesystem_and_path, join_uri
from emr_jobs.framework.quarantine import write_quarantine

PARTITION = "detection_date"
OUTPUT_FORMATS = ("parquet", "csv", "json")


def clear_partition(spark: SparkSession, dataset_path: str, detection_date: str) -> None:
    """Removes the date's partition first: dynamic overwrite replaces only partitions it writes, so a rerun that
    finds nothing (say, no high-risk claims) would otherwise leave the previous run's rows in place."""
    filesystem, path = filesystem_and_path(spark, join_uri(dataset_path, f"{PARTITION}={detection_date}"))
    if filesystem.exists(path):
        filesystem.delete(path, True)


def write_dataset(frame: DataFrame, path: str, output_format: str, rejected: bool = False) -> None:
    """Dynamic partition overwrite (the session's setting) of the one detection_date partition, never null.

    Rejects go through the framework's quarantine writer. The other datasets are written by their tasks as they
    are: the framework's writer repartitions by the partition columns first, which with one partition value would
    move every scored claim to a single task and write it from one core."""
    if output_format == "parquet" and rejected:
        write_quarantine(frame, path, partition_by=(PARTITION,))
        return
    writer = frame.write.mode("overwrite").partitionBy(PARTITION)
    if output_format == "parquet":
        writer.option("compression", "snappy").parquet(path)
    elif output_format == "csv":
        writer.option("header", True).csv(path)
    else:
        writer.json(path)
