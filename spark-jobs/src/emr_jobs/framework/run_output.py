"""Everything a run writes under --output, and what it takes back when the run fails.

Datasets go through Spark's committer (parquet, csv or json; a null partition value fails the write), small files
with one FileSystem create, pictures through the one PNG renderer. The run owns the partitions it clears (its
dates): a rerun replaces them, and dynamic overwrite alone would keep a partition the rerun has no rows for.

A run that fails part way must not leave a half-written output (F07 left rejected/ written and an empty scored/,
which a reader listing partitions cannot tell from a real run). So RunOutput remembers every dataset, partition and
file it wrote or cleared, and roll_back() deletes them: a dataset the run created goes whole; in a dataset that was
there before, the partitions the run cleared, and those that are new or rewritten (their directory's modification
time changed; S3 has no directory times, so there a job passes `clear` for what it owns) go.
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F

from emr_jobs.framework.filesystem import filesystem_and_path, join_uri, write_bytes
from emr_jobs.framework.metrics import JobMetrics
from emr_jobs.framework.outputs import RUNS_DIRECTORY, clear_partitions, run_files_root
from emr_jobs.framework.png import png_bytes

METRICS_FILE = "_metrics.json"
OUTPUT_FORMATS = ("parquet", "csv", "json")


# Athena skips files whose names start with _ or . and would read the picture beside _metrics.json, so a dated run
# also writes its record alone, under a name it reads: the `runs` table (framework/runs_table.py) reads these.
RUN_RECORD_FILE = "run.json"


def run_record_path(root: str, date: dt.date | None) -> str | None:
    """<root>/_runs/records/date=D/run.json for a dated run (the `runs` table's row), else None."""
    if date is None:
        return None
    return join_uri(root, RUNS_DIRECTORY, "records", f"date={date.isoformat()}", RUN_RECORD_FILE)


def metrics_path(root: str, date: dt.date | None) -> str:
    """Where a run's record goes: <root>/_runs/date=D/_metrics.json for a dated run, else <root>/_metrics.json."""
    return join_uri(run_files_root(root, date), METRICS_FILE)


@dataclass
class _Touched:
    """One dataset this run wrote to or cleared in."""

    path: str
    existed: bool  # before the run touched it: if not, everything in it is this run's
    partition_depth: int = 0  # partition columns (0: unpartitioned, the whole dataset is this run's)
    partitions_before: dict[str, int] = field(default_factory=dict)  # partition directory -> modification time
    cleared: list[tuple[str, list[str], int]] = field(default_factory=list)  # (column, values, levels above)


class RunOutput:
    def __init__(self, spark: SparkSession, root: str, metrics: JobMetrics, date: dt.date | None = None) -> None:
        self.spark = spark
        self.root = root
        self.metrics = metrics
        self.date = date
        self._datasets: dict[str, _Touched] = {}
        self._files: list[tuple[str, str]] = []  # (output name, path)

    def dataset_path(self, name: str) -> str:
        return join_uri(self.root, name)

    def metrics_path(self) -> str:
        return metrics_path(self.root, self.date)

    def write_dataset(
        self,
        name: str,
        frame: DataFrame,
        rows: int,
        *,
        partition_by: Sequence[str] = (),
        clear: Mapping[str, Iterable[str]] | None = None,
        output_format: str = "parquet",
        single_csv: bool = False,
    ) -> str:
        """Writes `frame` (`rows` rows, as the job counted them) as dataset `name`; returns its path.

        Unpartitioned: the dataset is replaced (an empty frame too, so no earlier run's rows stay). Partitioned:
        the `clear` partitions ({column: values}) are deleted first, then the partitions present in `frame` are
        replaced (dynamic overwrite); with no rows nothing is written after the clear. `single_csv`: one part file
        (a small table)."""
        if output_format not in OUTPUT_FORMATS:
            raise ValueError(f"output_format must be one of {', '.join(OUTPUT_FORMATS)}, got {output_format!r}")
        path = self.dataset_path(name)
        clear = {column: [str(value) for value in values] for column, values in (clear or {}).items()}  # used twice
        if clear:
            self.clear_partitions(name, partition_by, clear)
        self._touch(name, len(partition_by))
        if not partition_by:
            writer = (frame.coalesce(1) if single_csv else frame).write.mode("overwrite")
            _save(writer, output_format, path)
        elif rows:
            guarded = frame.select(
                *[never_null(c, path) if c in partition_by else F.col(f"`{c}`") for c in frame.columns]
            )
            if single_csv:
                guarded = guarded.coalesce(1)
            elif not _one_partition(partition_by, clear):
                # One file per partition instead of one per task; a write of one partition (the run's date)
                # is left spread over its tasks, or a single core would write all of it.
                guarded = guarded.repartition(*partition_by)
            _save(guarded.write.mode("overwrite").partitionBy(*partition_by), output_format, path)
        self.metrics.wrote(name, rows, path)
        return path

    def clear_partitions(self, name: str, partition_by: Sequence[str], clear: Mapping[str, Iterable[str]]) -> int:
        """Deletes the `clear` partitions ({column: values}) of dataset `name`, partitioned by `partition_by`,
        without writing; returns how many partition directories were deleted. A run clears the partitions it owns
        in every output, also those it has no rows for."""
        touched = self._touch(name, len(partition_by))
        deleted = 0
        for column, values in clear.items():
            if column not in partition_by:
                raise ValueError(f"cannot clear {column}= in {name}: it is partitioned by {list(partition_by)}")
            texts = [str(value) for value in values]
            levels_above = list(partition_by).index(column)
            touched.cleared.append((column, texts, levels_above))
            deleted += clear_partitions(self.spark, touched.path, column, texts, levels_above=levels_above)
        return deleted

    def write_file(self, name: str, file_name: str, payload: bytes | str, *, per_run: bool = True) -> str:
        """One file, under run_files_root(root, date) when `per_run` (a dated run's own files), else the root."""
        path = join_uri(run_files_root(self.root, self.date) if per_run else self.root, file_name)
        data = payload.encode("utf-8") if isinstance(payload, str) else payload
        self._files.append((name, path))
        write_bytes(self.spark, path, data)
        self.metrics.wrote_file(name, path)
        return path

    def write_picture(self, name: str, file_name: str, figure) -> str:
        """A matplotlib figure as a per-run PNG at its own dpi (framework.png: missing glyphs escaped, no warnings)."""
        return self.write_file(name, file_name, png_bytes(figure))

    def roll_back(self) -> None:
        """After a failure: deletes what this run wrote or cleared, so no half-written output stays, and marks each
        such output `rolled_back` in the run's record. Never raises
        (the run's own error is the one an operator must read); what it could not delete is noted on stdout."""
        for name, touched in self._datasets.items():
            try:
                deleted = self._roll_back_dataset(touched)
                self.metrics.rolled_back(name)
                if deleted:
                    self.metrics.log(f"Rolled back {name}: removed {', '.join(deleted)}")
            except Exception as error:  # secondary to the run's own error
                self.metrics.log(f"note: could not roll back {touched.path} ({_first_line(error)})")
        for name, path in self._files:
            try:
                filesystem, hadoop_path = filesystem_and_path(self.spark, path)
                if filesystem.exists(hadoop_path):
                    filesystem.delete(hadoop_path, False)
                self.metrics.rolled_back(name)
            except Exception as error:
                self.metrics.log(f"note: could not remove {path} ({_first_line(error)})")

    def _touch(self, name: str, partition_depth: int) -> _Touched:
        """The dataset's record, made when the run first touches it: whether it existed and its partitions then."""
        touched = self._datasets.get(name)
        if touched is None:
            path = self.dataset_path(name)
            filesystem, hadoop_path = filesystem_and_path(self.spark, path)
            existed = bool(filesystem.exists(hadoop_path))
            before = self._partition_times(path, partition_depth) if existed and partition_depth else {}
            touched = self._datasets[name] = _Touched(path, existed, partition_depth, before)
        return touched

    def _partition_times(self, path: str, depth: int) -> dict[str, int]:
        filesystem, pattern = filesystem_and_path(self.spark, join_uri(path, *(["*=*"] * depth)))
        return {
            status.getPath().toString(): status.getModificationTime()
            for status in filesystem.globStatus(pattern) or []
            if status.isDirectory()
        }

    def _roll_back_dataset(self, touched: _Touched) -> list[str]:
        filesystem, hadoop_path = filesystem_and_path(self.spark, touched.path)
        if not filesystem.exists(hadoop_path):
            return []
        if not touched.existed or touched.partition_depth == 0:
            filesystem.delete(hadoop_path, True)
            return [touched.path]
        deleted = []
        for column, values, levels_above in touched.cleared:
            if clear_partitions(self.spark, touched.path, column, values, levels_above=levels_above):
                deleted.append(f"{column}={','.join(sorted(set(values)))}")
        for partition, modified in self._partition_times(touched.path, touched.partition_depth).items():
            if touched.partitions_before.get(partition) != modified:
                _, partition_path = filesystem_and_path(self.spark, partition)
                filesystem.delete(partition_path, True)
                deleted.append("/".join(partition.split("/")[-touched.partition_depth :]))
        return deleted


def never_null(column: str, dataset: str) -> Column:
    """The partition column, failing the write on a null: Spark would file it under
    __HIVE_DEFAULT_PARTITION__, a directory pandas and pyarrow cannot read back (a typed date that is not a date).
    Checked row by row inside the write itself, so it costs no extra pass over the data."""
    value = F.col(column)
    message = f"null value in partition column '{column}' of {dataset}: a job must give every row a partition"
    return F.when(value.isNull(), F.raise_error(F.lit(message))).otherwise(value).alias(column)


def _one_partition(partition_by: Sequence[str], clear: Mapping[str, list[str]]) -> bool:
    """True when `clear` names one value for every partition column: the write fills that one partition."""
    return bool(clear) and all(len(set(clear.get(column, ()))) == 1 for column in partition_by)


def _save(writer, output_format: str, path: str) -> None:
    if output_format == "parquet":
        writer.option("compression", "snappy").parquet(path)
    elif output_format == "csv":
        writer.option("header", True).csv(path)
    else:
        writer.json(path)


def _first_line(error: BaseException) -> str:
    return ((str(error).strip().splitlines() or [type(error).__name__])[0])[:300]
