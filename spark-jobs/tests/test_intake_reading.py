"""Explicit-schema readers: csv by header, json as text, parquet by declared types; missing input fails cleanly."""

import json

import pandas as pd
import pytest
from pyspark.sql.types import DoubleType, StringType, TimestampType

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.intake import MALFORMED_COLUMN, RAW_RECORD_COLUMN, read_table

COLUMNS = {"symbol": StringType(), "close": DoubleType(), "timestamp": TimestampType(), "source": StringType()}


def _read(spark, path, fmt, required=("symbol", "close")):
    frame = read_table(spark, str(path), fmt, COLUMNS, required=required)
    return [row.asDict() for row in frame.orderBy("symbol").collect()]


def test_csv_columns_are_matched_by_header_name_not_position(spark, tmp_path):
    path = tmp_path / "bars.csv"
    path.write_text("close,extra,symbol,timestamp\n10.5,x,AAA,2024-01-01T00:00:00Z\n7,y,BBB,\n")
    rows = _read(spark, path, "csv")
    assert rows[0] == {"symbol": "AAA", "close": "10.5", "timestamp": "2024-01-01T00:00:00Z", "source": None,
                       MALFORMED_COLUMN: False, RAW_RECORD_COLUMN: None}  # fmt: skip
    assert rows[1]["close"] == "7" and rows[1]["timestamp"] is None


def test_csv_without_a_required_column_is_a_fatal_error(spark, tmp_path):
    path = tmp_path / "bars.csv"
    path.write_text("symbol,timestamp\nAAA,2024-01-01\n")
    with pytest.raises(JobError, match="lacks required columns: close"):
        _read(spark, path, "csv")


def test_csv_lines_with_the_wrong_number_of_fields_are_flagged_malformed(spark, tmp_path):
    path = tmp_path / "bars.csv"
    path.write_text("symbol,close\nAAA,1.0\nBBB,2.0,surplus\n")
    assert [row[MALFORMED_COLUMN] for row in _read(spark, path, "csv")] == [False, True]


def test_json_values_arrive_as_their_text_and_broken_lines_are_flagged(spark, tmp_path):
    path = tmp_path / "bars.json"
    lines = [json.dumps({"symbol": "AAA", "close": 10.25}), "{not json", json.dumps({"symbol": "CCC"})]
    path.write_text("\n".join(lines) + "\n")
    rows = _read(spark, path, "json")
    by_symbol = {row["symbol"]: row for row in rows}
    assert by_symbol["AAA"]["close"] == "10.25" and not by_symbol["AAA"][MALFORMED_COLUMN]
    assert by_symbol["CCC"]["close"] is None and not by_symbol["CCC"][MALFORMED_COLUMN]
    assert by_symbol[None][MALFORMED_COLUMN]


def test_parquet_is_read_with_declared_types_and_rendered_as_text(spark, tmp_path):
    path = tmp_path / "bars.parquet"
    frame = pd.DataFrame(
        {"symbol": ["AAA"], "close": [0.1 + 0.2], "timestamp": pd.to_datetime(["2024-01-01T09:30:00Z"])}
    )
    frame.to_parquet(path, coerce_timestamps="us")
    (row,) = _read(spark, path, "parquet")
    assert float(row["close"]) == 0.1 + 0.2  # the text round-trips to the same double
    assert row["timestamp"] == "2024-01-01 09:30:00" and row["source"] is None


def test_parquet_that_stores_numbers_as_text_is_parsed_not_refused(spark, tmp_path):
    # dedup keeps every column as it arrived (text from csv); fraud_detection reads its kept/ output in claimsDaily.
    path = tmp_path / "kept.parquet"
    pd.DataFrame(
        {"symbol": ["AAA", "BBB"], "close": ["10.5", "n/a"], "timestamp": ["2024-01-01T00:00:00Z", None]}
    ).to_parquet(path)
    rows = _read(spark, path, "parquet")
    assert [(r["symbol"], r["close"], r["timestamp"]) for r in rows] == [
        ("AAA", "10.5", "2024-01-01T00:00:00Z"),
        ("BBB", "n/a", None),
    ]


def test_a_missing_input_is_a_fatal_error(spark, tmp_path):
    with pytest.raises(JobError, match="--input .*nowhere.csv not found"):
        _read(spark, tmp_path / "nowhere.csv", "csv")


def test_an_empty_csv_file_reads_as_no_rows(spark, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert _read(spark, path, "csv") == []
