"""The catalogue's needsPandas (read from the code) agrees with what importing each job really loads."""

import subprocess
import sys

import pytest

from emr_jobs import catalog
from emr_jobs.pandas_use import needs_pandas

PROBE = "import sys, importlib; importlib.import_module(sys.argv[1]); print('pandas' in sys.modules)"


@pytest.mark.parametrize("entry", catalog.JOBS, ids=lambda e: e.name)
def test_a_job_whose_import_loads_pandas_is_flagged(entry):
    # One direction only: a job may also need pandas through toPandas() without importing it.
    loaded = subprocess.run([sys.executable, "-c", PROBE, entry.module], capture_output=True, text=True, check=True)
    if loaded.stdout.strip() == "True":
        assert needs_pandas(entry.module)


def test_the_jobs_that_need_pandas_today():
    flags = {entry.name: needs_pandas(entry.module) for entry in catalog.JOBS}
    assert {name for name, needed in flags.items() if needed} == {"smoke_test", "financial_data_processor", "compare"}


def test_a_module_outside_the_package_needs_nothing():
    assert needs_pandas("emr_jobs.no_such_module") is False
