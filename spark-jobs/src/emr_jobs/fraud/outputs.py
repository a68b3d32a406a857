"""Writing the fraud job's datasets: one partition per detection date, in the chosen format, replaced on rerun."""

from pyspark.sql import DataFrame, SparkSession

from emr_jobs.framework.quarantine import write_quarantine
from emr_jobs.framework.writers import write_partitioned_parquet

PARTITION = "detection_date"
OUTPUT_FORMATS = ("parquet", "csv", "json")


def _filesystem_and_path(spark: SparkSession, uri: str):
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path


def clear_partition(spark: SparkSession, dataset_path: str, detection_date: str) -> None:
    """Removes the date's partition first: dynamic overwrite replaces only partitions it writes, so a rerun that
    finds nothing (say, no high-risk claims) would otherwise leave the previous run's rows in place."""
    filesystem, path = _filesystem_and_path(spark, f"{dataset_path.rstrip('/')}/{PARTITION}={detection_date}")
    if filesystem.exists(path):
        filesystem.delete(path, True)


def write_bytes(spark: SparkSession, uri: str, data: bytes) -> None:
    """A small binary file (the picture) through Hadoop's FileSystem, so s3:// works as a local path does."""
    filesystem, path = _filesystem_and_path(spark, uri)
    stream = filesystem.create(path, True)
    try:
        stream.write(bytearray(data))
    finally:
        stream.close()


def write_dataset(frame: DataFrame, path: str, output_format: str, rejected: bool = False) -> None:
    """Parquet goes through the framework's writers; csv (with a header) and json lines through the same
    dynamic partition overwrite. The partition column is never null: it is the run's detection date."""
    if output_format == "parquet":
        if rejected:
            write_quarantine(frame, path, partition_by=(PARTITION,))
        else:
            write_partitioned_parquet(frame, path, (PARTITION,))
        return
    writer = frame.write.mode("overwrite").partitionBy(PARTITION)
    if output_format == "csv":
        writer.option("header", True).csv(path)
    else:
        writer.json(path)
