"""Reads an input as text, every declared column a string (null when absent), never inferring a schema.

Keeping the text lets a job reject a bad row exactly as it arrived; jobs parse types themselves (intake.values).
Every frame also carries MALFORMED_COLUMN (the record did not parse) and RAW_RECORD_COLUMN (the original line of a
malformed csv/json record), so a rejected record keeps its text even when no column could be read from it.
A directory of csv files is read file by file by each file's own header, so files whose columns come in a
different order (or with extra columns) still line up by name.
"""

import csv
from collections import defaultdict
from collections.abc import Mapping, Sequence
from functools import reduce

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import BooleanType, DataType, LongType, StringType, StructField, StructType, TimestampType

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.filesystem import path_exists
from emr_jobs.framework.intake.files import (
    HEADER_LIMIT,
    PARQUET_MAGIC,
    DataFile,
    check_format,
    data_files,
    first_bytes,
    first_line,
    head_bytes,
    printable,
    tail_bytes,
)

SUPPORTED_FORMATS = ("csv", "json", "parquet")
MALFORMED_COLUMN = "_malformed"  # boolean: the record did not parse (bad csv quoting, bad json line, ...)
RAW_RECORD_COLUMN = "raw_record"  # string: the original line of a malformed csv/json record, else null
_CORRUPT_RECORD = "_corrupt_record"
# Headers are read on the driver, one small read per file; past this many files only the first is read.
_CSV_FILES_TO_READ_HEADERS = 2000
# A header in a message is cut here: a 100,000-column header would otherwise be the whole message.
_HEADER_SHOWN = 300
# parquet and json files are sniffed (and parquet footers read) up to this many; one stray file is usually early.
_FILES_TO_PROBE = 20


def read_table(
    spark: SparkSession,
    path: str,
    input_format: str,
    columns: Mapping[str, DataType] | Sequence[str],
    *,
    required: Sequence[str] = (),
    required_label: str = "required",
    option: str = "--input",
) -> DataFrame:
    """Every declared column as a string (null when absent), plus MALFORMED_COLUMN and RAW_RECORD_COLUMN.

    A `required` column absent from a csv header or a parquet schema is a JobError naming it (`required_label`
    says what kind of column it is: "required", "declared"); `option` names the input in messages."""
    names = list(columns)
    _check_input(spark, path, input_format, option)
    if input_format == "csv":
        return _read_csv(spark, path, names, required, required_label, option)
    if input_format == "json":
        return _read_json(spark, path, names, option)
    return _read_parquet(spark, path, names, required, required_label, option)


def declared_columns(spark: SparkSession, path: str, input_format: str, option: str = "--input") -> dict[str, DataType]:
    """The columns an input declares: a csv header's (all text) or the parquet schema (nanosecond timestamps as
    timestamps). json lines declare none."""
    _check_input(spark, path, input_format, option)
    if input_format == "json":
        raise JobError(f"{option}-format json needs --columns (json lines declare no header)")
    if input_format == "parquet":
        files = _checked_parquet_files(spark, path, option)
        nanos = _nanosecond_columns(spark, files)
        return {
            field.name: TimestampType() if field.name in nanos else field.dataType
            for field in spark.read.parquet(path).schema.fields
        }
    groups = _csv_files_by_header(spark, path, (), "required", option)
    if not groups:
        raise JobError(f"{option} {path} has no header (empty files)")
    return dict.fromkeys(next(iter(groups)), StringType())


def _check_input(spark: SparkSession, path: str, input_format: str, option: str) -> None:
    if input_format not in SUPPORTED_FORMATS:
        raise JobError(f"unsupported input format '{input_format}' (expected one of {', '.join(SUPPORTED_FORMATS)})")
    if not path_exists(spark, path):
        raise JobError(f"{option} {path} not found")


def _as_text(
    frame: DataFrame, names: Sequence[str], malformed: Column, raw_record: Column, carry: Sequence[str] = ()
) -> DataFrame:
    present = set(frame.columns)
    return frame.select(
        *[
            (F.col(f"`{name}`").cast(StringType()) if name in present else F.lit(None).cast(StringType())).alias(name)
            for name in names
        ],
        malformed.alias(MALFORMED_COLUMN),
        F.when(malformed, raw_record).cast(StringType()).alias(RAW_RECORD_COLUMN),
        *carry,
    )


def _empty(spark: SparkSession, names: Sequence[str]) -> DataFrame:
    schema = StructType(
        [StructField(name, StringType()) for name in names]
        + [StructField(MALFORMED_COLUMN, BooleanType()), StructField(RAW_RECORD_COLUMN, StringType())]
    )
    return spark.createDataFrame([], schema)


# --- csv ---


# A header may be up to HEADER_LIMIT long; Python's csv module refuses fields over 128 KiB by default (global).
csv.field_size_limit(max(csv.field_size_limit(), HEADER_LIMIT + 1))


def _parse_header(line: str, file: DataFile, required: Sequence[str], required_label: str) -> tuple[str, ...]:
    # Spark compares the schema with each file's header as written, so the names stay untrimmed here.
    header = tuple(next(csv.reader([line]), []))
    shown = printable(", ".join(header), _HEADER_SHOWN)
    if len({name.strip() for name in header}) != len(header):
        raise JobError(f"input header of {file.path} has duplicate column names: {shown}")
    missing = [name for name in required if name not in {name.strip() for name in header}]
    if missing:
        raise JobError(
            f"input header lacks {required_label} columns: {', '.join(missing)} (header: {shown}; file {file.path})"
        )
    return header


def _csv_files_by_header(
    spark: SparkSession, path: str, required: Sequence[str], required_label: str, option: str
) -> dict[tuple[str, ...], list[str]]:
    """Each distinct header and the files that have it (empty files have no rows and are left out)."""
    files = data_files(spark, path, option, _CSV_FILES_TO_READ_HEADERS + 1)
    if len(files) > _CSV_FILES_TO_READ_HEADERS:
        files = files[:1]  # too many to open one by one: Spark's own per-file header check guards the rest
    groups: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for file in files:
        head = first_bytes(spark, file)
        check_format(file, head, "csv", option)
        line = first_line(spark, file, head)
        if line is not None and line.strip():
            groups[_parse_header(line, file, required, required_label)].append(file.path)
    return groups


def _read_csv_with_header(spark: SparkSession, paths: str | list[str], header: Sequence[str]) -> DataFrame:
    # The schema follows the files' own column order; unknown columns are read as text and ignored.
    schema = StructType(
        [StructField(name, StringType()) for name in header] + [StructField(_CORRUPT_RECORD, StringType())]
    )
    frame = (
        spark.read.schema(schema)
        .option("header", True)
        .option("enforceSchema", False)  # every file's header must match, never silently shift columns
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", _CORRUPT_RECORD)
        .csv(paths)
    )
    # Header names are matched trimmed (" close" is close); Spark matched them as written. Partition columns follow.
    written = set(header)
    return frame.select(
        *[F.col(f"`{name}`").alias(name.strip() if name in written else name) for name in frame.columns]
    )


def _read_csv(
    spark: SparkSession,
    path: str,
    names: Sequence[str],
    required: Sequence[str],
    required_label: str,
    option: str,
) -> DataFrame:
    groups = _csv_files_by_header(spark, path, required, required_label, option)
    if not groups:
        return _empty(spark, names)
    # Spark keeps the line of a record it could not parse in the corrupt-record column.
    malformed = F.col(_CORRUPT_RECORD).isNotNull()
    if len(groups) == 1:  # the common case: one read of the path as given
        frame = _read_csv_with_header(spark, path, next(iter(groups)))
        return _as_text(frame, names, malformed, F.col(_CORRUPT_RECORD))
    parts = [
        _as_text(_read_csv_with_header(spark, files, header), names, malformed, F.col(_CORRUPT_RECORD))
        for header, files in sorted(groups.items())
    ]
    return reduce(DataFrame.unionByName, parts)


# --- json ---


def _read_json(spark: SparkSession, path: str, names: Sequence[str], option: str) -> DataFrame:
    for file in data_files(spark, path, option, _FILES_TO_PROBE):
        check_format(file, first_bytes(spark, file), "json", option)
    # Read as lines, then parsed: Spark's json reader would lose the text of a line it cannot parse (F18).
    lines = spark.read.text(path).where(~F.col("value").rlike(r"^\s*$"))
    return json_lines_as_text(lines, names)


def json_lines_as_text(lines: DataFrame, names: Sequence[str], carry: Sequence[str] = ()) -> DataFrame:
    """Lines of JSON (column `value`, batch or streaming) → every named field as text, MALFORMED_COLUMN and
    RAW_RECORD_COLUMN, as read_table gives them: a line that does not parse keeps its text. The `carry` columns
    of `lines` pass through unchanged."""
    schema = StructType(
        [StructField(name, StringType()) for name in names] + [StructField(_CORRUPT_RECORD, StringType())]
    )
    options = {"mode": "PERMISSIVE", "columnNameOfCorruptRecord": _CORRUPT_RECORD}
    parsed = lines.select(F.col("value"), F.from_json("value", schema, options).alias("record"), *carry)
    # A string column given a JSON object or array receives its text ({"id":7}); such a value is no scalar.
    nested = [
        F.col(f"record.`{name}`").rlike(r"^\s*[\[{]") & F.col("value").rlike(r'[{,]\s*"\Q' + name + r'\E"\s*:\s*[\[{]')
        for name in names
    ]
    malformed = F.col(f"record.{_CORRUPT_RECORD}").isNotNull() | F.col("record").isNull()
    if nested:
        malformed = malformed | reduce(Column.__or__, [F.coalesce(check, F.lit(False)) for check in nested])
    flat = parsed.select(
        *[F.col(f"record.`{name}`").alias(name) for name in names],
        malformed.alias(MALFORMED_COLUMN),
        F.col("value").alias("_line"),
        *carry,
    )
    return _as_text(flat, names, F.col(MALFORMED_COLUMN), F.col("_line"), carry)


# --- parquet ---


def _checked_parquet_files(spark: SparkSession, path: str, option: str) -> list[DataFile]:
    """Fails fast, on the driver, when a file is not parquet (a common slip) or is cut short."""
    files = data_files(spark, path, option, _FILES_TO_PROBE)
    for file in files:
        head = head_bytes(spark, file.path, len(PARQUET_MAGIC))
        if head and head != PARQUET_MAGIC:
            head = first_bytes(spark, file)  # enough of it to say what it is
        check_format(file, head, "parquet", option)
        if file.size > 0 and (file.size < 8 or tail_bytes(spark, file.path, file.size, 4) != PARQUET_MAGIC):
            raise JobError(f"{file.name} is a parquet file cut short (no PAR1 footer); remove it or write it again")
    return files


def _nanosecond_columns(spark: SparkSession, files: Sequence[DataFile]) -> set[str]:
    """Top-level columns stored as TIMESTAMP(NANOS) (pandas' default), from the footers; Spark reads them as
    longs under spark.sql.legacy.parquet.nanosAsLong, and refuses them otherwise."""
    jvm = spark.sparkContext._jvm
    configuration = spark.sparkContext._jsc.hadoopConfiguration()
    nanos: set[str] = set()
    for file in files:
        if file.size == 0:
            continue
        source = jvm.org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
            jvm.org.apache.hadoop.fs.Path(file.path), configuration
        )
        reader = jvm.org.apache.parquet.hadoop.ParquetFileReader.open(source)
        try:
            for field in reader.getFooter().getFileMetaData().getSchema().getFields():
                annotation = field.getLogicalTypeAnnotation()
                if (
                    annotation is not None
                    and annotation.getClass().getSimpleName() == "TimestampLogicalTypeAnnotation"
                    and annotation.getUnit().toString() == "NANOS"
                ):
                    nanos.add(field.getName())
        finally:
            reader.close()
    return nanos


def _read_parquet(
    spark: SparkSession,
    path: str,
    names: Sequence[str],
    required: Sequence[str],
    required_label: str,
    option: str,
) -> DataFrame:
    files = _checked_parquet_files(spark, path, option)
    frame = spark.read.parquet(path)  # footers only, until an action
    missing = [name for name in required if name not in set(frame.columns)]
    if missing:
        raise JobError(
            f"input lacks {required_label} columns: {', '.join(missing)} (columns: {', '.join(sorted(frame.columns))})"
        )
    nanos = {name for name in _nanosecond_columns(spark, files) if name in names}
    longs = {field.name for field in frame.schema.fields if isinstance(field.dataType, LongType)}
    for name in sorted(nanos & longs):
        frame = frame.withColumn(name, F.expr(f"timestamp_micros(div(`{name}`, 1000))"))
    # The file's own types, each declared column then cast to text and parsed like csv: forcing the declared schema
    # on read fails with a raw SchemaColumnConvertNotSupportedException when a producer (dedup, which keeps every
    # column as it arrived) stored a number as a string, and it would hide such rows from the reject reasons.
    return _as_text(frame, names, F.lit(False), F.lit(None))
