"""The SparkSession every job uses: the cluster's master on EMR, a local one everywhere else."""

import hashlib
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from pyspark.sql import SparkSession

from emr_jobs.framework.local_filesystem import local_filesystem_settings

# Settings the jobs' correctness or speed depends on, applied on the cluster and locally alike.
SESSION_DEFAULTS: Mapping[str, str] = {
    # A rerun for one date replaces that date's partitions and nothing else.
    "spark.sql.sources.partitionOverwriteMode": "dynamic",
    # Dates of bars and partitions must not depend on the machine's zone.
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.parquet.compression.codec": "snappy",
    # Lets adaptive execution coalesce the shuffle partitions of persisted frames too (else 200 tiny tasks).
    "spark.sql.optimizer.canChangeCachedPlanOutputPartitioning": "true",
    # pandas writes TIMESTAMP(NANOS) by default, which Spark otherwise refuses ("Illegal Parquet type"); read as
    # longs, intake turns them into timestamps (intake.reading). Microsecond and millisecond columns are unaffected.
    "spark.sql.legacy.parquet.nanosAsLong": "true",
}

# Local data is small (samples, tests, the local pipeline): one shuffle partition per core, and no adaptive
# execution, which runs every shuffle stage as a job of its own and re-plans between them: fraud_detection's
# 2,000-row sample ran 35 jobs instead of 14. Neither setting changes a result; on EMR the cluster's defaults stay.
SMALL_DATA_SETTINGS: Mapping[str, str] = {
    "spark.sql.shuffle.partitions": str(os.cpu_count() or 2),
    "spark.sql.adaptive.enabled": "false",
}
# At benchmark scale (1M rows, bench/harness.py) adaptive execution pays: without it the financial job took 1.08x
# as long (2 paired runs), its 50 symbols hashed unevenly over two partitions. Smaller coalesced partitions than
# the 64 MB default: with two cores, the 153 MB indicators shuffle became 3 tasks, so one core wrote the third
# alone (~4 s of a 49 s run).
LARGE_DATA_SETTINGS: Mapping[str, str] = {
    "spark.sql.shuffle.partitions": "8",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.adaptive.advisoryPartitionSizeInBytes": "16m",
}

# Only when we start Spark ourselves (python -m ..., tests, benchmarks): spark-submit and EMR decide otherwise.
LOCAL_MASTER = "local[*]"
LOCAL_DEFAULTS: Mapping[str, str] = {
    "spark.ui.showConsoleProgress": "false",
    "spark.driver.memory": os.environ.get("EMR_JOBS_DRIVER_MEMORY", "4g"),
    # A local run talks to itself over loopback only.
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    **SMALL_DATA_SETTINGS,
    # Writes without a chmod process per file (emr_jobs.framework.local_filesystem), when setup built it.
    **local_filesystem_settings(),
}


# Locally the console is the operator's: Spark's start-up banner ("Setting default log level...", the
# NativeCodeLoader and port warnings) would come before the job's one error line. A log4j2 file of our own
# sets the root level to error, and gives the shell loggers the same level: Spark 3.5's
# Logging.initializeLogging prints the two banner lines for an "interpreter" (PythonGatewayServer, which
# pyspark starts, initializes logging as one) only when that class's logger level differs from the root's.
# On EMR the cluster's logging configuration stays in charge.
QUIET_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
logger.repl.name = org.apache.spark.repl.Main
logger.repl.level = error
logger.gateway.name = org.apache.spark.api.python.PythonGatewayServer
logger.gateway.level = error
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n%ex
"""


def quiet_logging_file() -> Path:
    """The quiet log4j2 configuration as a file the driver JVM can read (content-addressed, written once)."""
    digest = hashlib.sha256(QUIET_LOG4J2.encode()).hexdigest()[:12]
    path = Path(tempfile.gettempdir()) / f"emr_jobs-log4j2-{digest}.properties"
    if not path.exists():
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(QUIET_LOG4J2)
        partial.replace(path)
    return path


def launched_by_spark_submit() -> bool:
    """spark-submit starts the JVM first and hands Python the gateway's port."""
    return "PYSPARK_GATEWAY_PORT" in os.environ


def resolve_master(active_session: bool, under_spark_submit: bool) -> str | None:
    """The master to set: none when a session exists or spark-submit configured one, local otherwise."""
    return None if active_session or under_spark_submit else LOCAL_MASTER


def build_spark_session(app_name: str) -> SparkSession:
    builder = SparkSession.builder.appName(app_name)
    master = resolve_master(SparkSession.getActiveSession() is not None, launched_by_spark_submit())
    if master is not None:
        builder = builder.master(master)
        for key, value in LOCAL_DEFAULTS.items():
            builder = builder.config(key, value)
        # Passed to the driver JVM by the launcher (client mode), so it applies before Spark logs anything.
        builder = builder.config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile={quiet_logging_file()}")
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        # Python workers must use this interpreter (pandas, pyarrow), not whatever python3 is on PATH.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    for key, value in SESSION_DEFAULTS.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    for key, value in SESSION_DEFAULTS.items():  # an existing session keeps its settings otherwise
        spark.conf.set(key, value)
    if master is not None:
        _silence_task_failure_logs(spark)
    return spark


def _silence_task_failure_logs(spark: SparkSession) -> None:
    """A failed task is reported by the job as its one-line reason; locally, the executor's copy of the same
    error with a Java stack trace on the console only buries it. On a cluster those logs stay (YARN keeps them)."""
    jvm = spark.sparkContext._jvm
    log4j = jvm.org.apache.logging.log4j
    for logger in ("org.apache.spark.executor.Executor", "org.apache.spark.scheduler.TaskSetManager"):
        log4j.core.config.Configurator.setLevel(logger, log4j.Level.OFF)
