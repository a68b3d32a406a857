"""Where the ticks come from: Kinesis through the connector EMR ships, or a directory of JSON-lines files
(Spark's file source) for local runs and tests. Both give `value` (one JSON tick) and pipeline.ARRIVAL."""

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.filesystem import path_exists
from emr_jobs.streaming.pipeline import ARRIVAL

KINESIS_FORMAT = "aws-kinesis"
CONNECTOR_MISSING = (
    "the Spark source 'aws-kinesis' is not on the classpath: the Kinesis connector ships with EMR 7.1 and later "
    "(/usr/share/aws/kinesis/spark-sql-kinesis/lib/); locally use --source files --input DIR"
)


def file_lines(spark: SparkSession, directory: str, max_files_per_trigger: int) -> DataFrame:
    """New files of `directory` as lines, `max_files_per_trigger` files per micro-batch; blank lines skipped.
    A file has no arrival time of its own: the batch's time (current_timestamp in a stream) stands for it."""
    if not path_exists(spark, directory):
        raise JobError(f"--input {directory} not found; give the directory the tick files (JSON lines) arrive in")
    lines = spark.readStream.option("maxFilesPerTrigger", max_files_per_trigger).text(directory)
    return lines.where(~F.col("value").rlike(r"^\s*$")).select("value", F.current_timestamp().alias(ARRIVAL))


def kinesis_lines(
    spark: SparkSession, stream_name: str, region: str, endpoint_url: str, starting_position: str
) -> DataFrame:
    """The stream's records as text. Options from the connector's README "Kinesis Source Configuration"
    (https://github.com/awslabs/spark-sql-kinesis-connector): GetRecords consumer (the IAM actions
    DescribeStreamSummary, ListShards, GetShardIterator, GetRecords); the record schema is data (binary),
    streamName, partitionKey, sequenceNumber, approximateArrivalTimestamp."""
    reader = (
        spark.readStream.format(KINESIS_FORMAT)
        .option("kinesis.streamName", stream_name)
        .option("kinesis.region", region)
        .option("kinesis.endpointUrl", endpoint_url)
        .option("kinesis.consumerType", "GetRecords")
        .option("kinesis.startingPosition", starting_position)
    )
    try:
        records = reader.load()
    except Exception as error:
        if _is_missing_source(error):
            raise JobError(CONNECTOR_MISSING) from None
        raise
    return records.select(
        F.col("data").cast("string").alias("value"), F.col("approximateArrivalTimestamp").alias(ARRIVAL)
    )


def _is_missing_source(error: Exception) -> bool:
    text = str(error)
    return KINESIS_FORMAT in text and ("DATA_SOURCE_NOT_FOUND" in text or "Failed to find" in text)


def default_endpoint(region: str) -> str:
    """Kinesis Data Streams' public endpoint (AWS General Reference, "Amazon Kinesis Data Streams endpoints")."""
    return f"https://kinesis.{region}.amazonaws.com"
