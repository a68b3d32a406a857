"""One local SparkSession for the whole test session (small shuffles, no UI, loopback only)."""

import os
import sys

import pytest
from pyspark.sql import SparkSession

from emr_jobs.framework.local_filesystem import local_filesystem_settings
from emr_jobs.framework.session import SMALL_DATA_SETTINGS

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ["PYSPARK_PYTHON"] = sys.executable


@pytest.fixture(scope="session")
def spark():
    builder = SparkSession.builder
    # As the jobs' own local sessions write and shuffle (emr_jobs.framework.session); the partitions below stay 2,
    # for local[2], on a machine of any size.
    for key, value in {**local_filesystem_settings(), **SMALL_DATA_SETTINGS}.items():
        builder = builder.config(key, value)
    session = (
        builder.master("local[2]")
        .appName("emr-jobs-tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.legacy.parquet.nanosAsLong", "true")  # as session.SESSION_DEFAULTS
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
