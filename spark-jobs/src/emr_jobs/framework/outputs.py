"""Where a job writes: checked before Spark starts, and owned by the run.

A run owns every partition it is responsible for: before writing, it clears its in-scope partitions in EVERY
output (valid, rejected, findings, summaries), so a rerun on corrected data never leaves an old rejected or
anomaly file next to the new ones. Dynamic partition overwrite alone replaces only partitions the new run
writes; a partition the new run has nothing for would keep the previous run's rows.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlparse

from pyspark.sql import SparkSession

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.filesystem import filesystem_and_path, join_uri

# A dated run's own files (metrics, pictures) live under <output>/_runs/date=<D>/: one place per day, so the next
# day's run does not replace them, and "everything of day D" is every path containing /date=D/ (the archive's
# filter). The leading underscore keeps Spark, Hive and Athena from reading the directory as data.
RUNS_DIRECTORY = "_runs"

# Hadoop glob alternation `{a,b}`: a bounded number of values per listing call keeps each pattern short.
_VALUES_PER_GLOB = 100


def local_path_of(uri: str) -> Path | None:
    """The local path a URI names (no scheme or file:), None for s3:// and other filesystems."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(parsed.path)
    if parsed.scheme == "" or len(parsed.scheme) == 1:  # a plain path (or a Windows drive letter)
        return Path(uri)
    return None


def run_files_root(output: str, date: dt.date | None) -> str:
    """Where a run writes its own files: <output>/_runs/date=<D>/ for a run with --date D, else <output>."""
    if date is None:
        return output
    return join_uri(output, RUNS_DIRECTORY, f"date={date.isoformat()}")


def check_output_root(uri: str, option: str = "--output") -> None:
    """Before Spark starts: a local output that is a file, or lies under one, cannot become a directory."""
    path = local_path_of(uri)
    if path is None:
        return
    for candidate in (path, *path.parents):
        if candidate.exists():
            if not candidate.is_dir():
                what = "is a file" if candidate == path else f"lies under the file {candidate}"
                raise JobError(f"{option} {uri} {what}; give a directory (it is created when missing)")
            return


def check_output_file(uri: str, option: str) -> None:
    """Before Spark starts: a local output file (a report) must not be a directory nor lie under a file."""
    path = local_path_of(uri)
    if path is None:
        return
    if path.is_dir():
        raise JobError(f"{option} {uri} is a directory; give a file path")
    for candidate in path.parents:
        if candidate.exists():
            if not candidate.is_dir():
                raise JobError(f"{option} {uri} lies under the file {candidate}; give a path in a directory")
            return


def partition_values_pattern(values: Sequence[str]) -> str:
    return values[0] if len(values) == 1 else "{" + ",".join(values) + "}"


def clear_partitions(
    spark: SparkSession, dataset_uri: str, column: str, values: Iterable[str], levels_above: int = 0
) -> int:
    """Deletes `<dataset>/*/.../<column>=<value>` (levels_above `*/`) for each value; returns how many were deleted.

    `levels_above` is the number of partition columns before `column` (1 for market=/date=).
    Values must be plain (dates, codes): Spark escapes special characters in directory names.
    """
    unique = sorted(set(values))
    deleted = 0
    for start in range(0, len(unique), _VALUES_PER_GLOB):
        chunk = unique[start : start + _VALUES_PER_GLOB]
        pattern = join_uri(dataset_uri, *(["*"] * levels_above), f"{column}={partition_values_pattern(chunk)}")
        filesystem, path = filesystem_and_path(spark, pattern)
        for status in filesystem.globStatus(path) or []:
            if filesystem.delete(status.getPath(), True):
                deleted += 1
    return deleted
