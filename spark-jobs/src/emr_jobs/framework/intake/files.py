"""The data files of an input as Spark reads them, and what their first bytes say they are.

Spark reads the files at a directory's top level and inside `k=v` partition directories; names starting with `_`
or `.` are skipped. Content is sniffed per file (after decompressing .gz/.bz2 as Spark would), so one parquet file
among csv files is named in one line instead of surfacing as a binary "header".
"""

import re
from dataclasses import dataclass

from pyspark.sql import SparkSession

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.filesystem import filesystem_and_path

PARQUET_MAGIC = b"PAR1"
UTF8_BOM = b"\xef\xbb\xbf"
# A csv header is short; a first "line" this long is some other file (F13), and reading on would take seconds.
HEADER_LIMIT = 1 << 20
# Most headers fit in the first read; only a longer first line reads on up to HEADER_LIMIT.
_FIRST_READ = 64 * 1024
_SHOWN_CHARACTERS = 80
# The line ends Spark's (Hadoop's) line reader knows; str.splitlines would also split at \v, \f, U+2028...
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class DataFile:
    path: str  # the full URI, as Spark names it
    size: int
    name: str  # relative to the input given (a top-level file's own name), for messages


def _skipped(name: str) -> bool:
    return name.startswith(("_", "."))


def _is_partition_directory(name: str) -> bool:
    return "=" in name and not _skipped(name)


def data_files(spark: SparkSession, path: str, option: str, limit: int) -> list[DataFile]:
    """Up to `limit` data files of a path or glob, as Spark reads them. A directory with no data files at its top
    level but with subdirectories is a JobError naming them (C10: the parent of the dataset was given)."""
    filesystem, hadoop_path = filesystem_and_path(spark, path)
    found: list[DataFile] = []
    for match in filesystem.globStatus(hadoop_path) or []:
        if not match.isDirectory():
            found.append(DataFile(match.getPath().toString(), match.getLen(), match.getPath().getName()))
            continue
        root = match.getPath().toString().rstrip("/")
        subdirectories: list[str] = []
        pending = [match.getPath()]
        before = len(found)
        while pending and len(found) < limit:
            directory = pending.pop(0)
            for status in sorted(filesystem.listStatus(directory), key=lambda s: s.getPath().getName()):
                name = status.getPath().getName()
                if status.isDirectory():
                    if _is_partition_directory(name):
                        pending.append(status.getPath())
                    elif directory == match.getPath() and not _skipped(name):
                        subdirectories.append(name)
                elif not _skipped(name) and len(found) < limit:
                    full = status.getPath().toString()
                    found.append(DataFile(full, status.getLen(), full[len(root) :].lstrip("/")))
        if len(found) == before and subdirectories:
            raise JobError(_no_top_level_files(option, path, subdirectories))
    return found


def _no_top_level_files(option: str, path: str, subdirectories: list[str]) -> str:
    # The example prefers a dataset over the rejected rows kept beside it.
    example = next((name for name in subdirectories if name != "rejected"), subdirectories[0])
    return (
        f"{option} {path} has no data files at its top level (subdirectories: {', '.join(subdirectories)}); "
        f"give one of them, e.g. {path.rstrip('/')}/{example}"
    )


def _open(spark: SparkSession, uri: str):
    """The file's byte stream, decompressed by its extension as Spark's text readers would."""
    jvm = spark.sparkContext._jvm
    filesystem, path = filesystem_and_path(spark, uri)
    stream = filesystem.open(path)
    codec = jvm.org.apache.hadoop.io.compress.CompressionCodecFactory(
        spark.sparkContext._jsc.hadoopConfiguration()
    ).getCodec(path)
    return codec.createInputStream(stream) if codec is not None else stream


def head_bytes(spark: SparkSession, uri: str, count: int) -> bytes:
    """Up to `count` first bytes of the (decompressed) file, in one call over the gateway."""
    stream = _open(spark, uri)
    try:
        return bytes(stream.readNBytes(count))
    finally:
        stream.close()


def tail_bytes(spark: SparkSession, uri: str, size: int, count: int) -> bytes:
    filesystem, path = filesystem_and_path(spark, uri)
    stream = filesystem.open(path)
    try:
        stream.seek(max(0, size - count))
        return bytes(stream.readNBytes(count))
    finally:
        stream.close()


def printable(text: str, limit: int = _SHOWN_CHARACTERS) -> str:
    """Text safe for a one-line message: control and invisible characters escaped, at most `limit` characters."""
    shown = "".join(char if char.isprintable() else ascii(char)[1:-1] for char in text[:limit])
    return shown + ("..." if len(text) > limit else "")


def sniff(head: bytes) -> tuple[str, str]:
    """(format, evidence) from a file's first bytes: PAR1 is parquet, a first `{` is json, anything else csv."""
    if head.startswith(PARQUET_MAGIC):
        return "parquet", "starts with PAR1"
    text = head.removeprefix(UTF8_BOM).decode("utf-8", errors="replace")
    if text.lstrip().startswith("{"):
        return "json", "its first line starts with {"
    first = _LINE_END.split(text.lstrip(), maxsplit=1)[0]
    return "csv", f"starts with '{printable(first)}'"


def check_format(file: DataFile, head: bytes, input_format: str, option: str = "--input") -> None:
    """JobError when the file's content is not `input_format` (an empty file is nothing and passes). The fix names
    the input's own format flag: --input-format, --theirs-format, --ours-format."""
    if not head:
        return
    found, evidence = sniff(head)
    if found != input_format:
        raise JobError(
            f"{file.name} is a {found} file ({evidence}), not {input_format}; remove it or use {option}-format {found}"
        )


def first_line(spark: SparkSession, file: DataFile, head: bytes) -> str | None:
    """The file's first line (BOM stripped; LF, CRLF or lone CR ends it), read at most HEADER_LIMIT bytes in."""
    if len(head) >= _FIRST_READ and not _has_line_end(head):
        head = head_bytes(spark, file.path, HEADER_LIMIT + 1)
        if len(head) > HEADER_LIMIT and not _has_line_end(head):
            raise JobError(f"the first line of {file.path} is over 1 MiB with no line end; not a csv header")
    if not head:
        return None
    text = head.removeprefix(UTF8_BOM).decode("utf-8", errors="replace")
    return _LINE_END.split(text, maxsplit=1)[0]


def first_bytes(spark: SparkSession, file: DataFile) -> bytes:
    """The bytes read once per file for both the sniff and the header."""
    return head_bytes(spark, file.path, _FIRST_READ)


def _has_line_end(data: bytes) -> bool:
    return b"\n" in data or b"\r" in data
