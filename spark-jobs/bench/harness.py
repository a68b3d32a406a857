"""What the throughput benchmarks share: a sibling module loaded by file name (the references are scripts, not a
package), the Spark session a job gets on local[N], and the closing report (printed, optionally written as JSON;
exit 1 when the two sides disagree at any size)."""

import importlib.util
import json
import os
import platform
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_sibling(name: str):
    """bench/<name>.py as a module."""
    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def spark_session(master: str, app_name: str):
    """The job's own session settings (emr_jobs.framework.session) on `master`, with its settings for data at
    scale rather than the small-data ones, UI off, quiet logs."""
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    from emr_jobs.framework.session import LARGE_DATA_SETTINGS, LOCAL_DEFAULTS, SESSION_DEFAULTS

    builder = SparkSession.builder.master(master).appName(app_name).config("spark.ui.enabled", "false")
    for key, value in {**LOCAL_DEFAULTS, **LARGE_DATA_SETTINGS, **SESSION_DEFAULTS}.items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def finish(spark, benchmark: str, master: str, results: list[dict], json_path: Path | None, **extra) -> int:
    """Prints the summary JSON, writes it to `json_path` if given, stops Spark; 0 when every size agrees, else 1."""
    summary = {
        "benchmark": benchmark,
        "master": master,
        "cpus": os.cpu_count(),
        **extra,
        "spark_version": spark.version,
        # Local writes differ by a process start per file without it (emr_jobs.framework.local_filesystem).
        "local_filesystem": spark.conf.get("spark.hadoop.fs.file.impl", "Hadoop default (chmod process per file)"),
        "python_version": platform.python_version(),
        "results": results,
    }
    text = json.dumps(summary, indent=2)
    print(text)
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(text + "\n")
    spark.stop()
    return 0 if all(r["results_agree"] for r in results) else 1
