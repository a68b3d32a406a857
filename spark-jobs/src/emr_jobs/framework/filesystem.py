"""Small files (metrics, reports, rules) through Hadoop's FileSystem, so s3:// works on EMR as paths do locally."""

from pyspark.sql import SparkSession


def _filesystem_and_path(spark: SparkSession, uri: str):
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path


def path_exists(spark: SparkSession, uri: str) -> bool:
    """True when the path (or at least one match of a glob) exists."""
    filesystem, path = _filesystem_and_path(spark, uri)
    matches = filesystem.globStatus(path)
    return matches is not None and len(matches) > 0


def read_text(spark: SparkSession, uri: str) -> str:
    lines = spark.read.text(uri, wholetext=True).collect()
    return "".join(row.value for row in lines)


def write_text(spark: SparkSession, uri: str, text: str) -> None:
    """Writes the file in place (a single PUT on S3), replacing any previous version."""
    filesystem, path = _filesystem_and_path(spark, uri)
    stream = filesystem.create(path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def join_uri(base: str, *parts: str) -> str:
    return "/".join([base.rstrip("/"), *(part.strip("/") for part in parts)])
