"""intake's reading: csv by header, json as lines, parquet by its own types, all as text; each file checked for what
it is; an output inside an input refused. Cases named by their id in shared/reviews/jobs-bad-input.md."""

import json
import time

import pandas as pd
import pytest
from pyspark.sql.types import DoubleType, StringType, TimestampType

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.intake import (
    MALFORMED_COLUMN,
    RAW_RECORD_COLUMN,
    check_output_outside_input,
    declared_columns,
    read_table,
)
from emr_jobs.framework.intake import reading as intake_reading
from emr_jobs.framework.session import SESSION_DEFAULTS

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
    with pytest.raises(JobError, match=rf"^--input {tmp_path}/nowhere.csv not found$"):
        _read(spark, tmp_path / "nowhere.csv", "csv")


def test_an_empty_csv_file_reads_as_no_rows(spark, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert _read(spark, path, "csv") == []


# --- issue 17: what each file is, where the data files are, and the cases of jobs-bad-input.md ---


def _parquet(path, **columns):
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(columns).to_parquet(path)


def _rows(frame):
    return sorted((row.asDict() for row in frame.collect()), key=lambda row: str(row["symbol"]))


def test_files_in_partition_directories_are_read_and_underscore_and_dot_names_skipped(spark, tmp_path):
    for day, symbol in (("day=1", "AAA"), ("day=2", "BBB")):
        (tmp_path / day).mkdir()
        (tmp_path / day / "part.csv").write_text(f"symbol,close\n{symbol},2\n")
    (tmp_path / "_SUCCESS").write_text("")
    (tmp_path / ".hidden.csv").write_text("not,a,header\n")
    (tmp_path / "_meta.csv").write_text("PAR1")
    assert [row["symbol"] for row in _read(spark, tmp_path, "csv")] == ["AAA", "BBB"]


def test_C10_a_directory_with_only_subdirectories_names_them_and_the_fix(spark, tmp_path):
    root = tmp_path / "A00"
    _parquet(root / "state_daily" / "date=2024-01-01" / "part-0.parquet", symbol=["AAA"])
    _parquet(root / "rejected" / "part-0.parquet", symbol=["BBB"])
    with pytest.raises(JobError) as error:
        read_table(spark, str(root), "parquet", COLUMNS, option="--ours")
    assert str(error.value) == (
        f"--ours {root} has no data files at its top level (subdirectories: rejected, state_daily); "
        f"give one of them, e.g. {root}/state_daily"
    )


def test_F14_A08a_a_parquet_file_among_csv_files_is_named_without_its_bytes(spark, tmp_path):
    (tmp_path / "part1.csv").write_text("symbol,close\nAAA,1\n")
    (tmp_path / "part2.csv").write_text("close,symbol\n2,BBB\n")
    _parquet(tmp_path / "part3.parquet", symbol=["CCC"], close=[3.0])
    with pytest.raises(JobError) as error:
        _read(spark, tmp_path, "csv")
    assert str(error.value) == (
        "part3.parquet is a parquet file (starts with PAR1), not csv; remove it or use --input-format parquet"
    )


def test_a_csv_file_read_as_parquet_shows_its_first_line_escaped(spark, tmp_path):
    (tmp_path / "bars.csv").write_text("symbol\x07,close\nAAA,1\n")
    with pytest.raises(JobError) as error:
        _read(spark, tmp_path, "parquet")
    assert str(error.value) == (
        "bars.csv is a csv file (starts with 'symbol\\x07,close'), not parquet; remove it or use --input-format csv"
    )


def test_a_json_file_read_as_csv_and_a_csv_file_read_as_json_are_named(spark, tmp_path):
    (tmp_path / "a.json").write_text('{"symbol": "AAA"}\n')
    with pytest.raises(JobError, match=r"^a.json is a json file .*, not csv; remove it or use --input-format json$"):
        _read(spark, tmp_path / "a.json", "csv")
    (tmp_path / "b.csv").write_text("symbol,close\nAAA,1\n")
    with pytest.raises(JobError, match=r"^b.csv is a csv file .*, not json; remove it or use --input-format csv$"):
        _read(spark, tmp_path / "b.csv", "json")


def test_a_gzipped_csv_is_sniffed_after_decompressing(spark, tmp_path):
    import gzip

    (tmp_path / "bars.csv.gz").write_bytes(gzip.compress(b"symbol,close\nAAA,1\n"))
    assert [(row["symbol"], row["close"]) for row in _read(spark, tmp_path, "csv")] == [("AAA", "1")]


def test_F15_D10_A10_outputs_written_inside_the_input_are_not_read_back(spark, tmp_path):
    # What a second run saw: its first run's parquet outputs in out/ below the csv input.
    (tmp_path / "claims.csv").write_text("symbol,close\nAAA,1\n")
    _parquet(tmp_path / "out" / "rejected" / "part-0.parquet", symbol=["BBB"])
    assert [row["symbol"] for row in _read(spark, tmp_path, "csv")] == ["AAA"]


def test_F04_D05_A06_C09_a_utf8_bom_is_not_part_of_the_first_column_name(spark, tmp_path):
    path = tmp_path / "bars.csv"
    path.write_bytes(b"\xef\xbb\xbfsymbol,close\nAAA,1\n")
    assert [(row["symbol"], row["close"]) for row in _read(spark, path, "csv")] == [("AAA", "1")]
    assert list(declared_columns(spark, str(path), "csv")) == ["symbol", "close"]


def test_F04_a_bom_file_among_files_without_one_reads_each_by_its_header(spark, tmp_path):
    (tmp_path / "a.csv").write_bytes(b"\xef\xbb\xbfsymbol,close\nAAA,1\n")
    (tmp_path / "b.csv").write_bytes(b"close,symbol\n2,BBB\n")
    assert [(row["symbol"], row["close"]) for row in _read(spark, tmp_path, "csv")] == [("AAA", "1"), ("BBB", "2")]


@pytest.mark.parametrize("line_end", [b"\r\n", b"\r"], ids=["crlf", "lone_cr"])
def test_crlf_and_lone_cr_line_ends_end_the_header_and_the_rows(spark, tmp_path, line_end):
    path = tmp_path / "bars.csv"
    path.write_bytes(line_end.join([b"symbol,close", b"AAA,1", b"BBB,2", b""]))
    assert [(row["symbol"], row["close"]) for row in _read(spark, path, "csv")] == [("AAA", "1"), ("BBB", "2")]


def test_header_names_are_trimmed(spark, tmp_path):
    path = tmp_path / "bars.csv"
    path.write_text("symbol , close\nAAA,1\n")
    assert [(row["symbol"], row["close"]) for row in _read(spark, path, "csv")] == [("AAA", "1")]


def test_F13_a_50_mb_line_without_line_end_fails_fast_naming_the_file(spark, tmp_path):
    path = tmp_path / "one_line.csv"
    path.write_bytes(b"A" * (50 * 1024 * 1024))
    started = time.monotonic()
    with pytest.raises(JobError) as error:
        _read(spark, path, "csv")
    assert time.monotonic() - started < 5
    assert str(error.value) == f"the first line of file:{path} is over 1 MiB with no line end; not a csv header"


def test_a_header_just_under_the_bound_is_read(spark, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("symbol," + "x" * 900_000 + "\nAAA,1\n")  # a 900 kB header, past the first read
    assert [row["symbol"] for row in _read(spark, path, "csv", required=("symbol",))] == ["AAA"]


def test_a_long_header_is_cut_in_messages(spark, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i:06d}" for i in range(10_000)) + "\n")
    with pytest.raises(JobError) as error:
        _read(spark, path, "csv")
    assert len(str(error.value)) < 500 and "c000000, c000001" in str(error.value)


def test_a_duplicate_header_name_is_refused_naming_the_file(spark, tmp_path):
    path = tmp_path / "bars.csv"
    path.write_text("symbol,close, symbol\nAAA,1,BBB\n")
    with pytest.raises(JobError, match=r"input header of file:.*bars.csv has duplicate column names: symbol, close"):
        _read(spark, path, "csv")


def test_a_missing_required_column_names_the_file(spark, tmp_path):
    (tmp_path / "a.csv").write_text("symbol,close\nAAA,1\n")
    (tmp_path / "b.csv").write_text("symbol\nBBB\n")
    with pytest.raises(JobError, match=r"lacks required columns: close \(header: symbol; file file:.*/b.csv\)$"):
        _read(spark, tmp_path, "csv")


def test_only_the_first_header_is_read_past_the_cap(spark, tmp_path, monkeypatch):
    for index in range(3):
        (tmp_path / f"{index}.csv").write_text(f"symbol,close\nS{index},{index}\n")
    opened = []
    original = intake_reading.first_bytes
    monkeypatch.setattr(intake_reading, "first_bytes", lambda spark, file: opened.append(file) or original(spark, file))
    monkeypatch.setattr(intake_reading, "_CSV_FILES_TO_READ_HEADERS", 2)
    assert [row["symbol"] for row in _read(spark, tmp_path, "csv")] == ["S0", "S1", "S2"]
    assert [file.name for file in opened] == ["0.csv"]


def test_a_malformed_csv_record_keeps_its_line(spark, tmp_path):
    path = tmp_path / "bars.csv"
    path.write_text("symbol,close\nAAA,1\nBBB,2,surplus\n")
    rows = _read(spark, path, "csv")
    assert [(row["symbol"], row[MALFORMED_COLUMN], row[RAW_RECORD_COLUMN]) for row in rows] == [
        ("AAA", False, None),
        ("BBB", True, "BBB,2,surplus"),
    ]


def test_F18_a_broken_json_line_keeps_its_text_and_object_or_array_values_are_malformed(spark, tmp_path):
    path = tmp_path / "claims.json"
    lines = [
        '{"symbol": "AAA", "close": 10.25}',
        '{"symbol": "BROKEN1", "close": 1',
        '{"symbol": "OBJ", "close": {"id": 7}}',
        '{"symbol": "ARR", "close": [1, 2]}',
        '{"symbol": "{text}", "close": "[not an array]"}',
        "",
        "[1, 2]",
    ]
    path.write_text("\n".join(lines) + "\n")
    frame = read_table(spark, str(path), "json", COLUMNS)
    rows = {row[RAW_RECORD_COLUMN] or row["symbol"]: row for row in frame.collect()}
    assert {key: row[MALFORMED_COLUMN] for key, row in rows.items()} == {
        "AAA": False,
        lines[1]: True,
        lines[2]: True,
        lines[3]: True,
        "{text}": False,
        lines[6]: True,
    }
    assert rows["{text}"]["close"] == "[not an array]"


def test_F17a_D09a_pandas_default_nanosecond_timestamps_read_as_timestamps(spark, tmp_path):
    path = tmp_path / "claims.parquet"
    stamps = pd.to_datetime(["2025-01-15T10:20:30.123456789Z", "1969-12-31T23:59:59.5Z"])
    pd.DataFrame({"symbol": ["AAA", "BBB"], "timestamp": stamps, "close": [21.0, 2.5]}).to_parquet(path)
    rows = _rows(read_table(spark, str(path), "parquet", COLUMNS))
    assert [(row["timestamp"], row["close"]) for row in rows] == [
        ("2025-01-15 10:20:30.123456", "21.0"),
        ("1969-12-31 23:59:59.5", "2.5"),
    ]
    assert declared_columns(spark, str(path), "parquet")["timestamp"] == TimestampType()


def test_nanos_as_long_leaves_microsecond_and_millisecond_timestamps_as_they_were(spark, tmp_path):
    assert spark.conf.get("spark.sql.legacy.parquet.nanosAsLong") == "true"
    assert SESSION_DEFAULTS["spark.sql.legacy.parquet.nanosAsLong"] == "true"
    stamps = pd.to_datetime(["2024-01-01T09:30:00.123Z"])
    for unit in ("us", "ms"):
        path = tmp_path / f"{unit}.parquet"
        pd.DataFrame({"symbol": ["AAA"], "timestamp": stamps}).to_parquet(path, coerce_timestamps=unit)
        assert spark.read.parquet(str(path)).schema["timestamp"].dataType == TimestampType()
        (row,) = _rows(read_table(spark, str(path), "parquet", COLUMNS))
        assert row["timestamp"] == "2024-01-01 09:30:00.123"


def test_a_parquet_file_cut_short_is_named(spark, tmp_path):
    whole = tmp_path / "whole.parquet"
    _parquet(whole, symbol=["AAA"])
    (tmp_path / "cut").mkdir()
    (tmp_path / "cut" / "part.parquet").write_bytes(whole.read_bytes()[:-10])
    with pytest.raises(JobError, match=r"^part.parquet is a parquet file cut short \(no PAR1 footer\)"):
        _read(spark, tmp_path / "cut", "parquet")


def test_declared_columns_of_json_need_columns(spark, tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"symbol": "AAA"}\n')
    with pytest.raises(JobError, match=r"^--input-format json needs --columns \(json lines declare no header\)$"):
        declared_columns(spark, str(path), "json")


@pytest.mark.parametrize(
    ("output", "inputs", "relation"),
    [
        ("in/x/out", {"--input": "in/x"}, "lies inside --input in/x"),
        ("in/x/", {"--input": "in/x"}, "is the same path as --input in/x"),
        ("in/y/../x/out", {"--input": "./in/x//"}, "lies inside --input ./in/x//"),
        ("s3://bucket/in/x/out", {"--input": "s3a://bucket/in/x/"}, "lies inside --input s3a://bucket/in/x/"),
        ("s3://bucket/in", {"--ours": "s3://bucket/other", "--theirs": "s3://bucket/in/*.csv"},
         "is the same path as --theirs s3://bucket/in/*.csv"),
        ("file:{tmp}/in/out", {"--input": "{tmp}/in"}, "lies inside --input {tmp}/in"),
    ],
)  # fmt: skip
def test_F15_D10_A10_an_output_equal_to_or_inside_an_input_is_refused(tmp_path, output, inputs, relation):
    output = output.format(tmp=tmp_path)
    inputs = {option: value.format(tmp=tmp_path) for option, value in inputs.items()}
    with pytest.raises(JobError) as error:
        check_output_outside_input(output, inputs)
    assert str(error.value) == f"--output {output} {relation.format(tmp=tmp_path)}; give an output outside the input"


@pytest.mark.parametrize(
    ("output", "inputs"),
    [
        ("in/x2", {"--input": "in/x"}),
        ("in", {"--input": "in/x"}),
        ("s3://other/in/x/out", {"--input": "s3://bucket/in/x"}),
        ("out", {"--ours": "in/a", "--theirs": "in/b"}),
    ],
)
def test_an_output_beside_or_above_the_input_is_accepted(output, inputs):
    check_output_outside_input(output, inputs)  # no JobError
