"""The committed table declarations (spark-jobs/tables.json) are what the jobs' tables.py files declare."""

import dataclasses
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from table_agreement import assert_table_agrees, glue_type

from emr_jobs import catalog, tables
from emr_jobs.framework.tables import Column, Table

ISSUE_TABLES = {
    "financial_indicators", "financial_anomalies", "financial_market_summary", "financial_rejected",
    "financial_stream_bars", "financial_stream_anomalies", "financial_stream_rejected",
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


def _written(tmp_path, columns: dict[str, pa.Array]):
    """A dataset as a job writes it: parquet under a `detection_date=` directory."""
    partition = tmp_path / "scored" / "detection_date=2024-01-01"
    partition.mkdir(parents=True)
    pq.write_table(pa.table(columns), partition / "part-0.parquet")
    return tmp_path


DECLARED = Table(
    "t", "fraud_detection", "scored", (Column("claim_id", "string"), Column("fraud_score", "double")),
    (Column("detection_date", "string"),),
)  # fmt: skip


def test_the_agreement_check_passes_a_matching_dataset(tmp_path):
    output = _written(tmp_path, {"claim_id": pa.array(["C1"]), "fraud_score": pa.array([0.5])})
    assert_table_agrees(DECLARED, output)


def test_a_column_renamed_in_the_job_fails_the_agreement(tmp_path):
    output = _written(tmp_path, {"claim_id": pa.array(["C1"]), "score": pa.array([0.5])})
    with pytest.raises(AssertionError, match="score"):
        assert_table_agrees(DECLARED, output)


def test_a_column_renamed_in_the_declaration_or_a_type_changed_fails_the_agreement(tmp_path):
    output = _written(tmp_path, {"claim_id": pa.array(["C1"]), "fraud_score": pa.array([0.5])})
    renamed = dataclasses.replace(DECLARED, columns=(Column("claim", "string"), DECLARED.columns[1]))
    with pytest.raises(AssertionError, match="claim"):
        assert_table_agrees(renamed, output)
    retyped = dataclasses.replace(DECLARED, columns=(DECLARED.columns[0], Column("fraud_score", "bigint")))
    with pytest.raises(AssertionError, match="bigint"):
        assert_table_agrees(retyped, output)
    unpartitioned = dataclasses.replace(DECLARED, partitions=())
    with pytest.raises(AssertionError, match="partitions differ"):
        assert_table_agrees(unpartitioned, output)


def test_nested_parquet_types_map_to_glue_type_names():
    assert glue_type(pa.list_(pa.int64())) == "array<bigint>"
    assert glue_type(pa.struct([("a", pa.string()), ("b", pa.date32())])) == "struct<a:string,b:date>"
    assert glue_type(pa.map_(pa.string(), pa.int64())) == "map<string,bigint>"
    assert glue_type(pa.decimal128(38, 0)) == "decimal(38,0)"
    with pytest.raises(ValueError, match="no Glue type"):
        glue_type(pa.binary())
