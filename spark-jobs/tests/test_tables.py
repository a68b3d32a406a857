"""The committed table declarations (spark-jobs/tables.json) are what the jobs' tables.py files declare."""

import json

import pytest

from emr_jobs import catalog, tables
from emr_jobs.framework.tables import Column, Table

ISSUE_TABLES = {
    "financial_indicators", "financial_anomalies", "financial_market_summary", "financial_rejected",
    "fraud_scored", "fraud_flagged", "fraud_high_risk", "fraud_provider_summary", "fraud_rejected",
    "dedup_kept", "dedup_superseded", "tracker_state_daily", "tracker_comparison", "tracker_differences", "runs",
}  # fmt: skip


def test_committed_tables_file_is_current():
    assert tables.TABLES_FILE.read_text() == tables.render(), "stale: run npm run jobs:tables"


def test_every_issue_table_is_declared_once_sorted_by_name():
    names = [t["name"] for t in json.loads(tables.render())["tables"]]
    assert names == sorted(ISSUE_TABLES)


def test_each_table_names_a_catalogue_job_and_has_columns():
    jobs = {entry.name for entry in catalog.JOBS}
    for table in tables.TABLES:
        assert table.job in jobs or table.name == "runs", f"{table.name}: job {table.job} is not in catalog.json"
        assert table.columns, table.name


def test_the_json_shape_branch_e_reads():
    fraud = next(t for t in json.loads(tables.render())["tables"] if t["name"] == "fraud_scored")
    assert list(fraud) == ["name", "job", "dataset", "format", "comment", "columns", "partitions"]
    assert fraud["job"] == "fraud_detection" and fraud["dataset"] == "scored" and fraud["format"] == "parquet"
    assert fraud["columns"][0] == {"name": "claim_id", "type": "string", "comment": ""}
    assert fraud["partitions"] == [{"name": "detection_date", "type": "string"}]


def test_a_column_declared_twice_or_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="date is declared twice"):
        Table("t", "dedup", "d", (Column("date", "string"),), (Column("date", "string"),))
    with pytest.raises(ValueError, match="format 'orc'"):
        Table("t", "dedup", "d", (Column("a", "string"),), format="orc")


def test_check_mode_reports_a_stale_file(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "tables.json"
    stale.write_text("{}\n")
    monkeypatch.setattr(tables, "TABLES_FILE", stale)
    assert tables.main(["--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert tables.main(["--write"]) == 0
    assert tables.main(["--check"]) == 0
