"""The dedup cases of the bad-input review (shared/reviews/jobs-bad-input.md): D05 (UTF-8 BOM), D07 (repeated
--id-column values), D09a (pandas' nanosecond parquet timestamps), D10 (--output inside --input). Each runs the job's
main() in-process and checks the exit code, the one error line, and the counts read back from the parquet outputs."""

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from dedup_support import load_reference, read, run

SPARK_JOBS = Path(__file__).resolve().parents[1]
SAMPLE = SPARK_JOBS / "data" / "sample" / "dedup_events.csv"
KEYS = ("customer_id", "region")
# The sample run's arguments (emr_jobs.samples), without --input and --output.
SAMPLE_ARGS = ("--keys", "customer_id,region", "--order-by", "updated_at", "--tie-break", "source",
               "--id-column", "event_id")  # fmt: skip


def error_lines(capsys) -> list[str]:
    return [line for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_D05_a_utf8_bom_before_the_header_is_stripped(spark, tmp_path, capsys):
    # Excel's "CSV UTF-8" writes a BOM; the columns the job derives from the header must not carry it.
    (tmp_path / "bom.csv").write_bytes(b"\xef\xbb\xbf" + SAMPLE.read_bytes())
    code, _ = run("--input", tmp_path / "bom.csv", "--output", tmp_path / "out", *SAMPLE_ARGS)
    assert (code, error_lines(capsys)) == (0, [])
    reference = load_reference()
    expected = reference.dedup(
        reference.load_csv(SAMPLE),
        reference.Options(KEYS, "updated_at", "latest_timestamp", (("source", False),), "event_id"),
    )
    kept = read(tmp_path / "out", "kept")
    assert list(kept.columns) == list(expected.kept.columns)  # event_id, not "\ufeffevent_id"
    assert sorted(kept["event_id"]) == sorted(expected.kept["event_id"])
    assert len(read(tmp_path / "out", "superseded")) == len(expected.superseded) > 0
    rejected = read(tmp_path / "out", "rejected")
    reasons = expected.rejected["reject_reason"].value_counts().to_dict()
    assert rejected["reject_reason"].value_counts().to_dict() == reasons


D07_ROWS = [
    # X1: three rows with different content, in keys C1 and C2: no row of X1 can be trusted to be "the" X1.
    ("X1", "C1", "north", "2024-01-01T02:00:00Z", "api", "10.00"),
    ("X1", "C1", "north", "2024-01-01T01:00:00Z", "api", "11.00"),
    ("X2", "C1", "north", "2024-01-01T00:30:00Z", "api", "12.00"),
    ("X1", "C2", "south", "2024-01-01T03:00:00Z", "web", "13.00"),
    # X3: two identical copies, an ordinary duplicate: one kept, the other superseded by it.
    ("X3", "C3", "north", "2024-01-01T04:00:00Z", "crm", "14.00"),
    ("X3", "C3", "north", "2024-01-01T04:00:00Z", "crm", "14.00"),
    # an ordinary key with two versions
    ("X4", "C4", "north", "2024-01-02T00:00:00Z", "api", "1.00"),
    ("X5", "C4", "north", "2024-01-01T00:00:00Z", "api", "2.00"),
    # X6 repeats with different content, but one copy is already rejected (null_order): the other is unique among
    # the valid rows and kept.
    ("X6", "C5", "north", "", "api", "3.00"),
    ("X6", "C5", "north", "2024-01-01T00:00:00Z", "api", "4.00"),
]


def test_D07_ids_repeated_with_different_content_are_all_rejected_as_duplicate_id(spark, tmp_path, capsys):
    columns = ["event_id", "customer_id", "region", "updated_at", "source", "amount"]
    pd.DataFrame(D07_ROWS, columns=columns).to_csv(tmp_path / "in.csv", index=False)
    code, _ = run("--input", tmp_path / "in.csv", "--output", tmp_path / "out", "--keys", "customer_id,region",
                  "--order-by", "updated_at", "--id-column", "event_id")  # fmt: skip
    assert (code, error_lines(capsys)) == (0, [])
    kept = read(tmp_path / "out", "kept")
    superseded = read(tmp_path / "out", "superseded")
    rejected = read(tmp_path / "out", "rejected")
    assert sorted(kept["event_id"]) == ["X2", "X3", "X4", "X6"]
    assert sorted(zip(superseded["event_id"], superseded["kept_id"], strict=True)) == [("X3", "X3"), ("X5", "X4")]
    assert sorted(zip(rejected["event_id"], rejected["amount"], rejected["reject_reason"], strict=True)) == [
        ("X1", "10.00", "duplicate_id"),
        ("X1", "11.00", "duplicate_id"),
        ("X1", "13.00", "duplicate_id"),
        ("X6", "3.00", "null_order"),
    ]
    # kept_id always names exactly one kept row, the one of the superseded row's own key.
    kept_by_id = kept.set_index("event_id")
    assert kept_by_id.index.is_unique
    owners = kept_by_id.loc[superseded["kept_id"], list(KEYS)].to_numpy().tolist()
    assert owners == superseded[list(KEYS)].to_numpy().tolist()
    metrics = json.loads((tmp_path / "out" / "_metrics.json").read_text())
    assert metrics["rejected_by_reason"] == {"duplicate_id": 3, "null_order": 1}
    assert metrics["conservation"]["holds"] is True


def _pandas_parquet_events(path: Path) -> pd.DataFrame:
    """The sample as pandas would hand it over: updated_at datetime64[ns, UTC], customer_id int64."""
    events = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False, na_values=[""])
    events["updated_at"] = pd.to_datetime(events["updated_at"], utc=True, errors="coerce", format="ISO8601")
    events = events.dropna(subset=["event_id", "customer_id", "updated_at"]).reset_index(drop=True)
    events["customer_id"] = pd.factorize(events["customer_id"])[0].astype("int64") + 1  # distinct keys stay distinct
    events.loc[len(events)] = ["N1", 999, "north", pd.NaT, "api", "1.00"]  # a gap in updated_at: null_order
    events.to_parquet(path, index=False)  # pandas' defaults: timestamps in nanoseconds
    return events


def test_D09a_pandas_nanosecond_timestamps_are_read_as_timestamps(spark, tmp_path, capsys):
    events = _pandas_parquet_events(tmp_path / "events.parquet")
    parquet_schema = pq.ParquetFile(tmp_path / "events.parquet").schema
    assert "timeUnit=nanoseconds" in str(parquet_schema.column(events.columns.get_loc("updated_at")).logical_type)
    code, _ = run("--input", tmp_path / "events.parquet", "--input-format", "parquet", "--output", tmp_path / "out",
                  *SAMPLE_ARGS)  # fmt: skip
    assert (code, error_lines(capsys)) == (0, [])
    valid = events.dropna(subset=["updated_at"])
    winners = valid.sort_values(["updated_at", "source", "event_id"], ascending=[False, True, True], kind="mergesort")
    expected_kept = winners.drop_duplicates(list(KEYS))
    kept = read(tmp_path / "out", "kept")
    assert sorted(kept["event_id"]) == sorted(expected_kept["event_id"])
    assert len(read(tmp_path / "out", "superseded")) == len(valid) - len(expected_kept) > 0
    rejected = read(tmp_path / "out", "rejected")
    assert rejected[["event_id", "reject_reason"]].to_numpy().tolist() == [["N1", "null_order"]]
    # Whole numbers stay whole (not "7.0"), and each kept instant is its row's own, to the second.
    by_id = expected_kept.set_index("event_id")
    kept = kept.set_index("event_id").loc[by_id.index]
    assert kept["customer_id"].tolist() == [str(v) for v in by_id["customer_id"]]
    assert pd.to_datetime(kept["updated_at"], utc=True).tolist() == by_id["updated_at"].tolist()


@pytest.mark.parametrize("output", ["out", "."])
def test_D10_an_output_inside_or_equal_to_the_input_is_refused_before_anything_is_written(
    spark, tmp_path, capsys, output
):
    source = tmp_path / "d_outin"
    source.mkdir()
    (source / "events.csv").write_bytes(SAMPLE.read_bytes())
    before = sorted(p.name for p in source.iterdir())
    target = source / output if output != "." else source
    code, stdout = run("--input", source, "--output", target, *SAMPLE_ARGS)
    errors = error_lines(capsys)
    assert code == 1 and stdout == ""
    assert len(errors) == 1, errors
    assert errors[0].startswith("dedup: ERROR: --output ")
    assert "--input" in errors[0] and errors[0].endswith("give an output outside the input")
    if output == "out":
        assert "lies inside --input" in errors[0]
    assert sorted(p.name for p in source.iterdir()) == before  # no out/, no _metrics.json in the input


def test_a_malformed_record_is_rejected_with_its_line_in_raw_record(spark, tmp_path, capsys):
    header = "event_id,customer_id,region,updated_at,source,amount\n"
    good = "X1,C1,north,2024-01-01T00:00:00Z,api,1.00\n"
    broken = 'X2,C2,"north,2024-01-01T00:00:00Z,api,2.00\n'  # an unclosed quote swallows the rest of the line
    (tmp_path / "in.csv").write_text(header + good + broken, encoding="utf-8")
    code, _ = run("--input", tmp_path / "in.csv", "--output", tmp_path / "out", *SAMPLE_ARGS)
    assert (code, error_lines(capsys)) == (0, [])
    rejected = read(tmp_path / "out", "rejected")
    assert rejected[["raw_record", "reject_reason"]].to_numpy().tolist() == [[broken.rstrip("\n"), "malformed_record"]]
    assert read(tmp_path / "out", "kept")["event_id"].tolist() == ["X1"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("event_id,customer_id,region,updated_at,source,amount\n", "has no rows (a header only, or empty files)"),
        (
            "event_id,customer_id,region,updated_at,source,amount\nX1,,north,2024-01-01,api,1\nX2,C2,north,,api,2\n",
            "were rejected: null_key 1, null_order 1",
        ),
    ],
    ids=["header_only", "all_rejected"],
)
def test_an_input_without_a_valid_row_fails_with_one_line_and_writes_no_dataset(spark, tmp_path, capsys, text, message):
    (tmp_path / "in.csv").write_text(text, encoding="utf-8")
    code, _ = run("--input", tmp_path / "in.csv", "--output", tmp_path / "out", *SAMPLE_ARGS)
    errors = error_lines(capsys)
    assert code == 1 and len(errors) == 1, errors
    assert errors[0].startswith("dedup: ERROR: ") and message in errors[0] and str(tmp_path / "in.csv") in errors[0]
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == ["_metrics.json"]
    assert json.loads((tmp_path / "out" / "_metrics.json").read_text())["status"] == "failed"
