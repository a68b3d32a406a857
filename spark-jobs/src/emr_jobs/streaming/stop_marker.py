"""Graceful stop: the driver polls a marker file (the connector README's "Gracefully Shutdown Query" pattern:
https://github.com/awslabs/spark-sql-kinesis-connector#gracefully-shutdown-query); when it exists, the batch
in progress finishes, the query stops and the marker is deleted (as in that pattern), so the next start runs.
A batch cut short anyway (a stop racing a trigger) is replayed from the checkpoint on restart and replaces its
own files (batch_output), so the outputs stay exactly once."""

import time

from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQuery

from emr_jobs.framework.filesystem import filesystem_and_path, path_exists

BETWEEN_BATCHES_POLL_SECONDS = 0.2


def wait_for_stop(spark: SparkSession, query: StreamingQuery, marker: str | None, poll_seconds: float) -> str:
    """Blocks until the query ends; returns why: "finished" (available-now ran out of input) or "stop marker".
    A failed query raises its error (awaitTermination re-raises it)."""
    while not query.awaitTermination(poll_seconds):
        if marker is not None and path_exists(spark, marker):
            while query.isActive and query.status["isTriggerActive"]:
                time.sleep(BETWEEN_BATCHES_POLL_SECONDS)
            query.stop()
            query.awaitTermination()
            filesystem, path = filesystem_and_path(spark, marker)
            filesystem.delete(path, False)
            return "stop marker"
    return "finished"
