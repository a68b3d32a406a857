"""The columns a generic dedup run reads, declared rather than inferred: --columns when given, else the csv header
or the parquet file's own schema (intake.declared_columns: a BOM stripped, nanosecond timestamps as timestamps).
Values are carried as text, exactly as they arrived."""

from pyspark.sql import SparkSession
from pyspark.sql.types import DataType, StringType

from emr_jobs.dedup.spec import column_list
from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.intake import declared_columns


def input_columns(spark: SparkSession, path: str, input_format: str, declared: str | None) -> dict[str, DataType]:
    if declared is not None and input_format != "parquet":
        return dict.fromkeys(column_list(declared, "--columns"), StringType())
    file_columns = declared_columns(spark, path, input_format)
    if declared is None:
        return file_columns
    names = column_list(declared, "--columns")
    missing = [name for name in names if name not in file_columns]
    if missing:
        raise JobError(f"--input {path} lacks the --columns {', '.join(missing)} (columns: {', '.join(file_columns)})")
    return {name: file_columns[name] for name in names}
