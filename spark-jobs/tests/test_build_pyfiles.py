"""The --py-files zip is reproducible and the jobs import from it alone."""

import importlib.util
import subprocess
import sys
from pathlib import Path

SPARK_JOBS = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("build_pyfiles", SPARK_JOBS / "build_pyfiles.py")
build_pyfiles = importlib.util.module_from_spec(spec)
spec.loader.exec_module(build_pyfiles)


def test_the_zip_is_byte_for_byte_reproducible(tmp_path):
    first = build_pyfiles.build_zip(tmp_path / "a.zip")
    second = build_pyfiles.build_zip(tmp_path / "b.zip")
    assert first == second and (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_every_job_imports_from_the_zip(tmp_path):
    archive = tmp_path / "emr_jobs.zip"
    build_pyfiles.build_zip(archive)
    code = (
        f"import sys; sys.path.insert(0, {str(archive)!r})\n"
        "import emr_jobs.jobs.financial_data_processor as f, emr_jobs.jobs.data_quality as q, "
        "emr_jobs.jobs.smoke_test as s\n"
        "print(f.__file__); print(q.__file__); print(s.__file__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert all(line.startswith(str(archive)) for line in done.stdout.split())
