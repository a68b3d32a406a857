"""The columns a generic dedup run reads, declared rather than inferred: --columns when given, else the csv header
or the parquet file's own schema. Values are carried as text, exactly as they arrived."""

import csv

from pyspark.sql import SparkSession
from pyspark.sql.types import DataType, StringType

from emr_jobs.dedup.spec import column_list
from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.filesystem import path_exists


def input_columns(spark: SparkSession, path: str, input_format: str, declared: str | None) -> dict[str, DataType]:
    if not path_exists(spark, path):
        raise JobError(f"input not found: {path}")
    if input_format == "parquet":
        file_schema = {field.name: field.dataType for field in spark.read.parquet(path).schema.fields}
        if declared is None:
            return file_schema
        names = column_list(declared, "--columns")
        missing = [name for name in names if name not in file_schema]
        if missing:
            raise JobError(f"parquet input lacks the --columns {', '.join(missing)}")
        return {name: file_schema[name] for name in names}
    if declared is not None:
        return dict.fromkeys(column_list(declared, "--columns"), StringType())
    if input_format == "json":
        raise JobError("--input-format json needs --columns (json lines declare no header)")
    first_line = spark.read.text(path).first()
    if first_line is None:
        raise JobError(f"input is empty: {path}")
    header = tuple(name.strip() for name in next(csv.reader([first_line.value])))
    return dict.fromkeys(header, StringType())
