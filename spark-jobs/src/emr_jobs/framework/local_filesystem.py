"""The Spark settings that give local runs a fork-free local filesystem, when setup has built it.

Without Hadoop's native library, which pyspark does not ship, Hadoop's local filesystem sets every permission by
starting a `chmod` process: three per output file (the file, its checksum and its directory). A 138-partition
write spent 3 to 4 s on them. spark-jobs/java/ForkFreeLocalFileSystem.java sets them through java.nio instead, and
scripts/setup-python.sh compiles it into the job environment when a JDK is present. EMR has the native library and
writes to S3, so these settings are for local sessions only (emr_jobs.framework.session.LOCAL_DEFAULTS).
"""

import sys
from pathlib import Path

FILESYSTEM_CLASS = "emr_jobs.hadoop.ForkFreeLocalFileSystem"


def jar_path() -> Path:
    """Where scripts/setup-python.sh puts the compiled filesystem: inside the Python environment that runs jobs."""
    return Path(sys.prefix) / "share" / "emr-jobs" / "fork-free-local-fs.jar"


def local_filesystem_settings() -> dict[str, str]:
    """Settings for a local session's driver JVM; none (Hadoop's default filesystem) when the jar is not built."""
    jar = jar_path()
    if not jar.is_file():
        return {}
    # On the driver's class path at launch: Hadoop resolves file:// before spark.jars would be loaded.
    return {"spark.driver.extraClassPath": str(jar), "spark.hadoop.fs.file.impl": FILESYSTEM_CLASS}
