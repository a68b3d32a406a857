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


def test_a_call_that_hands_data_to_pandas_counts_through_an_import_chain(tmp_path, monkeypatch):
    from emr_jobs import pandas_use

    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "__init__.py").write_text("")
    (tmp_path / "jobs" / "chained_job.py").write_text("from emr_jobs.helpers_to_pandas import collect\n")
    (tmp_path / "helpers_to_pandas.py").write_text("def collect(df):\n    return df.toPandas()\n")
    (tmp_path / "jobs" / "plain_job.py").write_text("import json\nfrom emr_jobs.jobs import chained_job_x\n")
    monkeypatch.setattr(pandas_use, "PACKAGE_ROOT", tmp_path)
    assert pandas_use.needs_pandas("emr_jobs.jobs.chained_job") is True
    assert pandas_use.needs_pandas("emr_jobs.jobs.plain_job") is False
