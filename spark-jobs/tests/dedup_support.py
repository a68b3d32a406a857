"""What the dedup tests share: running the job in-process, reading an output, and the independent reference."""

import contextlib
import importlib.util
import io
from pathlib import Path

import pandas as pd

from emr_jobs.jobs import dedup

REFERENCE_PATH = Path(__file__).resolve().parents[1] / "bench" / "dedup_reference.py"


def load_reference():
    """bench/dedup_reference.py, loaded by path (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("dedup_reference", REFERENCE_PATH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(*args) -> tuple[int, str]:
    """dedup's exit code and its stdout."""
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = dedup.main([str(a) for a in args])
    return code, stdout.getvalue()


def read(output: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(output / name)
