"""Writing the fraud job's datasets: one partition per detection date, in the chosen format, replaced on rerun."""

from pyspark.sql import DataFrame, SparkSession

from emr_jobs.framework.quarantine import write_quarantine

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
