"""The catalogue's needsPandas and emrImageBlocker (read from the code) agree with what the jobs really load."""

import subprocess
import sys

import pytest

from emr_jobs import catalog, runtime_needs
from emr_jobs.runtime_needs import emr_image_blocker, needs_pandas

PROBE = "import sys, importlib; importlib.import_module(sys.argv[1]); print('pandas' in sys.modules)"


@pytest.mark.parametrize("entry", catalog.JOBS, ids=lambda e: e.name)
def test_a_job_whose_import_loads_pandas_is_flagged(entry):
    # One direction only: a job may also need pandas through toPandas() without importing it.
    loaded = subprocess.run([sys.executable, "-c", PROBE, entry.module], capture_output=True, text=True, check=True)
    if loaded.stdout.strip() == "True":
        assert needs_pandas(entry.module)
        assert emr_image_blocker(entry.module)


def test_the_jobs_that_need_pandas_today():
    flags = {entry.name: needs_pandas(entry.module) for entry in catalog.JOBS}
    assert {name for name, needed in flags.items() if needed} == {"smoke_test", "financial_data_processor", "compare",
                                                                  "financial_stream"}  # fmt: skip


def test_a_module_outside_the_package_needs_nothing():
    assert needs_pandas("emr_jobs.no_such_module") is False
    assert emr_image_blocker("emr_jobs.no_such_module") is None


def _package(tmp_path, monkeypatch, files: dict[str, str]):
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    monkeypatch.setattr(runtime_needs, "PACKAGE_ROOT", tmp_path)
    runtime_needs._facts.cache_clear()


def test_a_call_that_hands_data_to_pandas_counts_through_an_import_chain(tmp_path, monkeypatch):
    _package(
        tmp_path,
        monkeypatch,
        {
            "jobs/__init__.py": "",
            "jobs/chained.py": "from emr_jobs.helpers import collect\n",
            "helpers.py": "def collect(df):\n    return df.toPandas()\n",
            "jobs/plain.py": "import json\n",
        },
    )
    assert needs_pandas("emr_jobs.jobs.chained") is True
    assert emr_image_blocker("emr_jobs.jobs.chained") == "emr_jobs.helpers calls toPandas"
    assert emr_image_blocker("emr_jobs.jobs.plain") is None


@pytest.mark.parametrize(
    ("source", "blocked"),
    [
        ("def f(x: str | None = None):\n    pass\n", "annotations"),
        ("class A:\n    x: int | None = None\n", "annotations"),
        ("from __future__ import annotations\ndef f(x: str | None = None):\n    pass\n", None),
        ("def f():\n    y: int | None = None\n    return y\n", None),
        ("def f(v):\n    return isinstance(v, int | float)\n", "isinstance"),
        ("def f(v):\n    match v:\n        case 1:\n            return 1\n", "syntax"),
        ("def f(v: 'str | None'):\n    return isinstance(v, (int, float))\n", None),
    ],
)
def test_what_python_3_9_cannot_run(tmp_path, monkeypatch, source, blocked):
    _package(tmp_path, monkeypatch, {"job.py": source})
    reason = emr_image_blocker("emr_jobs.job")
    if blocked is None:
        assert reason is None
    else:
        assert reason is not None and blocked in reason
