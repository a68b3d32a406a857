"""The committed job catalogue (spark-jobs/catalog.json) is what the jobs' own parsers declare."""

import json
from pathlib import Path

import pytest

from emr_jobs import catalog

SPARK_JOBS = Path(__file__).resolve().parents[1]


def test_committed_catalog_is_current():
    assert catalog.CATALOG_FILE.read_text() == catalog.render(), "stale: run npm run jobs:catalog"


def test_every_job_has_an_entry_point_and_options():
    jobs = json.loads(catalog.render())["jobs"]
    assert [job["name"] for job in jobs] == [entry.name for entry in catalog.JOBS]
    assert len(jobs) >= 3
    for job in jobs:
        assert (SPARK_JOBS / job["entrypoint"]).is_file(), job["entrypoint"]
        assert job["options"], f"{job['name']} declares no options"


def test_types_and_defaults_come_from_the_parser():
    financial = next(j for j in json.loads(catalog.render())["jobs"] if j["name"] == "financial_data_processor")
    by_flag = {o["flag"]: o for o in financial["options"]}
    assert by_flag["--input"] == {
        "flag": "--input",
        "required": True,
        "help": by_flag["--input"]["help"],
        "type": "string",
    }
    assert by_flag["--date"]["type"] == "date"
    assert by_flag["--sma-windows"] == {**by_flag["--sma-windows"], "type": "positiveIntList", "default": [20, 50]}
    assert by_flag["--input-format"]["type"] == "enum"
    assert "parquet" in by_flag["--input-format"]["values"]


def test_an_unknown_value_type_fails_the_export(monkeypatch):
    monkeypatch.setattr(catalog, "VALUE_TYPES", {None: "string"})
    with pytest.raises(SystemExit, match="unknown value type"):
        catalog.render()


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "catalog.json"
    stale.write_text("{}\n")
    monkeypatch.setattr(catalog, "CATALOG_FILE", stale)
    assert catalog.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert catalog.main(["--write"]) == 0
    assert catalog.main(["--check"]) == 0
