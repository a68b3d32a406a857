"""Readers with explicit schemas (never inferSchema) that return every column as its original text.

Keeping the text lets a job quarantine a bad row exactly as it arrived; jobs parse types themselves.
csv and json are read as strings; parquet is read with the declared types and rendered as text.
A directory of csv files is read file by file by each file's own header, so files whose columns come in a
different order (or with extra columns) still line up by name.
"""

import csv
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import reduce

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import BooleanType, DataType, StringType, StructField, StructType

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.filesystem import data_files, first_line, path_exists, tail_bytes

SUPPORTED_FORMATS = ("csv", "json", "parquet")
MALFORMED_COLUMN = "_malformed"
_CORRUPT_RECORD = "_corrupt_record"
# Headers are read on the driver, one small read per file; past this many files only the first is read.
_CSV_FILES_TO_READ_HEADERS = 2000


def read_raw_table(
    spark: SparkSession,
    path: str,
    input_format: str,
    columns: Mapping[str, DataType],
    required: Sequence[str] = (),
    required_label: str = "required",
) -> DataFrame:
    """Every declared column as a string (null when absent), plus a boolean MALFORMED_COLUMN.

    A `required` column absent from a csv header or a parquet schema is a JobError naming it
    (`required_label` says what kind of column it is: "required", "declared")."""
    if input_format not in SUPPORTED_FORMATS:
        raise JobError(f"unsupported input format '{input_format}' (expected one of {', '.join(SUPPORTED_FORMATS)})")
    if not path_exists(spark, path):
        raise JobError(f"input not found: {path}")
    if input_format == "csv":
        return _read_csv(spark, path, columns, required, required_label)
    if input_format == "json":
        return _read_json(spark, path, columns)
    return _read_parquet(spark, path, columns, required, required_label)


def _as_text(frame: DataFrame, columns: Mapping[str, DataType], malformed: Column) -> DataFrame:
    present = set(frame.columns)
    return frame.select(
        *[
            (F.col(f"`{name}`").cast(StringType()) if name in present else F.lit(None).cast(StringType())).alias(name)
            for name in columns
        ],
        malformed.alias(MALFORMED_COLUMN),
    )


def _empty(spark: SparkSession, columns: Mapping[str, DataType]) -> DataFrame:
    schema = StructType(
        [StructField(name, StringType()) for name in columns] + [StructField(MALFORMED_COLUMN, BooleanType())]
    )
    return spark.createDataFrame([], schema)


def _parse_header(line: str, file: str, required: Sequence[str], required_label: str) -> tuple[str, ...]:
    header = tuple(name.strip() for name in next(csv.reader([line])))
    if len(set(header)) != len(header):
        raise JobError(f"input header of {file} has duplicate column names: {', '.join(header)}")
    missing = [name for name in required if name not in header]
    if missing:
        raise JobError(
            f"input header lacks {required_label} columns: {', '.join(missing)} (header: {', '.join(header)}; "
            f"file {file})"
        )
    return header


def _csv_files_by_header(
    spark: SparkSession, path: str, required: Sequence[str], required_label: str
) -> dict[tuple[str, ...], list[str]]:
    """Each distinct header and the files that have it (empty files have no rows and are left out)."""
    files = [file for file, _ in data_files(spark, path, _CSV_FILES_TO_READ_HEADERS + 1)]
    if len(files) > _CSV_FILES_TO_READ_HEADERS:
        files = files[:1]  # too many to open one by one: Spark's own per-file header check guards the rest
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for file in files:
        line = first_line(spark, file)
        if line is not None and line.strip():
            groups[_parse_header(line, file, required, required_label)].append(file)
    return groups


def _read_csv_with_header(spark: SparkSession, paths: str | list[str], header: Sequence[str]) -> DataFrame:
    # The schema follows the files' own column order; unknown columns are read as text and ignored.
    schema = StructType(
        [StructField(name, StringType()) for name in header] + [StructField(_CORRUPT_RECORD, StringType())]
    )
    return (
        spark.read.schema(schema)
        .option("header", True)
        .option("enforceSchema", False)  # every file's header must match, never silently shift columns
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", _CORRUPT_RECORD)
        .csv(paths)
    )


def _read_csv(
    spark: SparkSession, path: str, columns: Mapping[str, DataType], required: Sequence[str], required_label: str
) -> DataFrame:
    groups = _csv_files_by_header(spark, path, required, required_label)
    if not groups:
        return _empty(spark, columns)
    if len(groups) == 1:  # the common case: one read of the path as given
        frame = _read_csv_with_header(spark, path, next(iter(groups)))
        return _as_text(frame, columns, F.col(_CORRUPT_RECORD).isNotNull())
    parts = [
        _as_text(_read_csv_with_header(spark, files, header), columns, F.col(_CORRUPT_RECORD).isNotNull())
        for header, files in sorted(groups.items())
    ]
    return reduce(DataFrame.unionByName, parts)


def _read_json(spark: SparkSession, path: str, columns: Mapping[str, DataType]) -> DataFrame:
    schema = StructType(
        [StructField(name, StringType()) for name in columns] + [StructField(_CORRUPT_RECORD, StringType())]
    )
    frame = (
        spark.read.schema(schema)
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", _CORRUPT_RECORD)
        .json(path)
    )
    return _as_text(frame, columns, F.col(_CORRUPT_RECORD).isNotNull())


_PARQUET_MAGIC = b"PAR1"
_FILES_TO_PROBE = 20


def _check_parquet(spark: SparkSession, path: str) -> None:
    """Fails fast, on the driver, when --input-format parquet points at something else (a common slip)."""
    for file, size in data_files(spark, path, _FILES_TO_PROBE):
        if size < 8 or tail_bytes(spark, file, size, 4) != _PARQUET_MAGIC:
            raise JobError(f"not a parquet file: {file} (check --input-format)")


def _read_parquet(
    spark: SparkSession, path: str, columns: Mapping[str, DataType], required: Sequence[str], required_label: str
) -> DataFrame:
    _check_parquet(spark, path)
    if required:
        present = set(spark.read.parquet(path).columns)  # footers only
        missing = [name for name in required if name not in present]
        if missing:
            raise JobError(
                f"input lacks {required_label} columns: {', '.join(missing)} (columns: {', '.join(sorted(present))})"
            )
    # The file's own types, each declared column then cast to text and parsed like csv: forcing the declared schema
    # on read fails with a raw SchemaColumnConvertNotSupportedException when a producer (dedup, which keeps every
    # column as it arrived) stored a number as a string, and it would hide such rows from the reject reasons.
    return _as_text(spark.read.parquet(path), columns, F.lit(False))
