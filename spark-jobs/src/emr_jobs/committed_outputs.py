"""Outputs written straight to their final location: datasets through Spark's output committer, small files with one
Hadoop FileSystem create. Nothing here writes to a temporary directory and renames or copies it afterwards.

That rename step is what lost the seed tracker's output on EMR Serverless: it wrote to a relative temporary path
that resolved to an executor's local disk (`file:/home/hadoop/data/temp` in its log), then meant to copy and
rename from there; the containers, and their disks, were gone before anything reached S3. Here every path is the
URI the operator gave (s3:// on EMR), and a dataset becomes visible when Spark's committer commits the job
(on EMR, the EMRFS S3-optimized committer writes the objects in place).
"""

from pyspark.sql import DataFrame, SparkSession

from emr_jobs.framework.filesystem import join_uri


def write_parquet(frame: DataFrame, path: str) -> None:
    """Replaces the dataset at `path` (unpartitioned). An empty frame is written too, so a rerun never leaves
    the rows of an earlier run behind."""
    frame.write.mode("overwrite").option("compression", "snappy").parquet(path)


def write_single_csv(frame: DataFrame, path: str) -> None:
    """A small table as one CSV part file with a header, in the directory `path` (the committer's layout)."""
    frame.coalesce(1).write.mode("overwrite").option("header", True).csv(path)


def write_bytes(spark: SparkSession, uri: str, payload: bytes) -> None:
    """One file written in place (a single PUT on S3), replacing any previous version."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    filesystem = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    stream = filesystem.create(path, True)
    try:
        stream.write(bytearray(payload))
    finally:
        stream.close()


def dataset_path(output: str, name: str) -> str:
    return join_uri(output, name)
