"""The catalogue's needsPandas (read from the code) agrees with what importing each job really loads."""

import subprocess
import sys

import pytest

from emr_jobs import catalog
from emr_jobs.pandas_use import needs_pandas

PROBE = "import sys, importlib; importlib.import_module(sys.argv[1]); print('pandas' in sys.modules)"


@pytest.mark.parametrize("entry", catalog.JOBS, ids=lambda e: e.name)
def test_needs_pandas_matches_what_the_job_imports(entry):
    loaded = subprocess.run([sys.executable, "-c", PROBE, entry.module], capture_output=True, text=True, check=True)
    assert needs_pandas(entry.module) is (loaded.stdout.strip() == "True")


def test_some_jobs_need_pandas_and_some_do_not():
    flags = {entry.name: needs_pandas(entry.module) for entry in catalog.JOBS}
    assert flags["compare"] is True
    assert flags["aggregate"] is False


def test_a_module_outside_the_package_needs_nothing():
    assert needs_pandas("emr_jobs.no_such_module") is False
