"""Readers with explicit schemas (never inferSchema) that return every column as its original text.

Keeping the text lets a job quarantine a bad row exactly as it arrived; jobs parse types themselves.
csv and json are read as strings; parquet is read with the declared types and rendered as text.
"""

import csv
from collections.abc import Mapping, Sequence

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import BooleanType, DataType, StringType, StructField, StructType

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.filesystem import data_files, path_exists, tail_bytes

SUPPORTED_FORMATS = ("csv", "json", "parquet")
MALFORMED_COLUMN = "_malformed"
_CORRUPT_RECORD = "_corrupt_record"


def read_raw_table(
    spark: SparkSession,
    path: str,
    input_format: str,
    columns: Mapping[str, DataType],
    required: Sequence[str] = (),
) -> DataFrame:
    """Every declared column as a string (null when absent), plus a boolean MALFORMED_COLUMN."""
    if input_format not in SUPPORTED_FORMATS:
        raise JobError(f"unsupported input format '{input_format}' (expected one of {', '.join(SUPPORTED_FORMATS)})")
    if not path_exists(spark, path):
        raise JobError(f"input not found: {path}")
    if input_format == "csv":
        return _read_csv(spark, path, columns, required)
    if input_format == "json":
        return _read_json(spark, path, columns)
    return _read_parquet(spark, path, columns)


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


def _read_csv(spark: SparkSession, path: str, columns: Mapping[str, DataType], required: Sequence[str]) -> DataFrame:
    first_line = spark.read.text(path).first()
    if first_line is None:
        return _empty(spark, columns)
    header = [name.strip() for name in next(csv.reader([first_line.value]))]
    if len(set(header)) != len(header):
        raise JobError(f"input header has duplicate column names: {', '.join(header)}")
    missing = [name for name in required if name not in header]
    if missing:
        raise JobError(f"input header lacks required columns: {', '.join(missing)} (header: {', '.join(header)})")
    # The schema follows the file's own column order; unknown columns are read as text and ignored.
    schema = StructType(
        [StructField(name, StringType()) for name in header] + [StructField(_CORRUPT_RECORD, StringType())]
    )
    frame = (
        spark.read.schema(schema)
        .option("header", True)
        .option("enforceSchema", False)  # every file's header must match, never silently shift columns
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", _CORRUPT_RECORD)
        .csv(path)
    )
    return _as_text(frame, columns, F.col(_CORRUPT_RECORD).isNotNull())


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


def _read_parquet(spark: SparkSession, path: str, columns: Mapping[str, DataType]) -> DataFrame:
    _check_parquet(spark, path)
    schema = StructType([StructField(name, data_type) for name, data_type in columns.items()])
    frame = spark.read.schema(schema).parquet(path)
    return _as_text(frame, columns, F.lit(False))
