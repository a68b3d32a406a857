"""Small files (metrics, reports, rules) through Hadoop's FileSystem, so s3:// works on EMR as paths do locally."""

from pyspark.sql import SparkSession


def _filesystem_and_path(spark: SparkSession, uri: str):
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path


def filesystem_and_path(spark: SparkSession, uri: str):
    """Hadoop's FileSystem for the URI (s3:// on EMR, file: locally) and the Path in it."""
    return _filesystem_and_path(spark, uri)


def path_exists(spark: SparkSession, uri: str) -> bool:
    """True when the path (or at least one match of a glob) exists."""
    filesystem, path = _filesystem_and_path(spark, uri)
    matches = filesystem.globStatus(path)
    return matches is not None and len(matches) > 0


def data_files(spark: SparkSession, uri: str, limit: int) -> list[tuple[str, int]]:
    """Up to `limit` (path, size) pairs of data files under a path or glob, skipping _metadata-style and hidden."""
    filesystem, path = _filesystem_and_path(spark, uri)
    found: list[tuple[str, int]] = []
    for status in filesystem.globStatus(path) or []:
        files = filesystem.listFiles(status.getPath(), True)
        while files.hasNext() and len(found) < limit:
            file = files.next()
            if not file.getPath().getName().startswith(("_", ".")):
                found.append((file.getPath().toString(), file.getLen()))
    return found


def tail_bytes(spark: SparkSession, uri: str, size: int, count: int) -> bytes:
    filesystem, path = _filesystem_and_path(spark, uri)
    stream = filesystem.open(path)
    try:
        stream.seek(max(0, size - count))
        return bytes(stream.read() & 0xFF for _ in range(min(count, size)))
    finally:
        stream.close()


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


def write_bytes(spark: SparkSession, uri: str, data: bytes) -> None:
    """Writes a binary file (a picture) in place, like write_text."""
    filesystem, path = _filesystem_and_path(spark, uri)
    stream = filesystem.create(path, True)
    try:
        stream.write(bytearray(data))
    finally:
        stream.close()


def join_uri(base: str, *parts: str) -> str:
    return "/".join([base.rstrip("/"), *(part.strip("/") for part in parts)])
