"""The fraud cases of the bad-input review (shared/reviews/jobs-bad-input.md, F04-F18): each input is built from
the committed sample as the review describes, run through the job's main() in this session's Spark, and judged by
its exit code, its one error line and the counts read back from what it wrote."""

import json
import math
import re
import time
import warnings
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from fraud_support import run_job

from emr_jobs.framework import lifecycle
from emr_jobs.fraud.settings import MAXIMUM_CHARGE, FraudSettings
from emr_jobs.fraud.statistics import add_procedure_flags, procedure_statistics

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample" / "claims.csv"
DAY = "2025-01-15"
REQUIRED = ("claim_id", "patient_id", "provider_id", "procedure_code", "charge_amount", "service_date",
            "submitted_at", "patient_state", "provider_state")  # fmt: skip
COORDINATES = {"patient_lat": 90.0, "patient_lon": 180.0, "provider_lat": 90.0, "provider_lon": 180.0}
ERROR_PREFIX = "fraud_detection: ERROR: "


def _base40() -> pd.DataFrame:
    """f_base40: the first 40 claims of the sample that are valid by plain text checks written here (so the
    base does not depend on the job under test), with a claim_id seen once in the whole file."""
    sample = pd.read_csv(SAMPLE, dtype=str, keep_default_na=False)
    once = sample["claim_id"].map(sample["claim_id"].value_counts()) == 1
    filled = (sample[list(REQUIRED)] != "").all(axis=1)
    charge_text = sample["charge_amount"].str.fullmatch(r"\d+\.\d{2}")
    service = pd.to_datetime(sample["service_date"], format="%Y-%m-%d", errors="coerce")
    submitted = pd.to_datetime(sample["submitted_at"], format="%Y-%m-%dT%H:%M:%SZ", errors="coerce")
    coordinates = pd.concat(
        [pd.to_numeric(sample[c], errors="coerce").abs() <= limit for c, limit in COORDINATES.items()], axis=1
    ).all(axis=1)
    good = once & filled & charge_text & service.notna() & submitted.notna() & coordinates
    good &= pd.to_numeric(sample["charge_amount"], errors="coerce") > 0
    good &= submitted.dt.normalize() >= service
    base = sample[good].head(40).reset_index(drop=True)
    assert len(base) == 40
    return base


BASE = _base40()


def _claim(source_id: str, claim_id: str, **overrides) -> dict:
    """A copy of one base claim under a new id, with some fields replaced."""
    row = BASE.set_index("claim_id").loc[source_id].to_dict()
    return {"claim_id": claim_id, **row, **overrides}


def _with(rows: list[dict]) -> pd.DataFrame:
    return pd.concat([BASE, pd.DataFrame(rows, columns=BASE.columns)], ignore_index=True)


def _write_csv(frame: pd.DataFrame, path: Path, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, encoding=encoding)
    return path


def _run(capsys, *args) -> tuple[int, str]:
    """The exit code and what the job printed on stderr (its error line, if any)."""
    code, _ = run_job(*args, "--date", DAY)
    return code, capsys.readouterr().err


def _error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(ERROR_PREFIX), err
    return lines[0].removeprefix(ERROR_PREFIX)


def _dataset(output: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(output / name)


def _metrics(output: Path) -> dict:
    return json.loads((output / "_runs" / f"date={DAY}" / "_metrics.json").read_text())


def _utc(stamps: pd.Series) -> pd.Series:
    """Spark's timestamps as pandas reads them (naive UTC or UTC-aware, by the parquet type), as UTC-aware."""
    return pd.to_datetime(stamps, utc=True)


def _reasons(rejected: pd.DataFrame) -> dict[str, int]:
    return rejected.groupby("reject_reason").size().to_dict()


def _assert_conserved(output: Path, rows_in: int, scored: int, rejected: int) -> None:
    assert len(_dataset(output, "scored")) == scored
    if rejected:
        assert len(_dataset(output, "rejected")) == rejected
    assert _metrics(output)["conservation"] == {"input_rows": rows_in, "scored_rows": scored,
                                                "rejected_rows": rejected, "holds": True}  # fmt: skip


def test_F04_a_utf8_byte_order_mark_before_the_header_is_stripped(spark, tmp_path, capsys):
    path = _write_csv(BASE, tmp_path / "bom.csv", encoding="utf-8-sig")  # Excel's "CSV UTF-8"
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    code, err = _run(capsys, "--input", path, "--output", tmp_path / "out")
    assert code == 0, err
    _assert_conserved(tmp_path / "out", 40, 40, 0)
    assert sorted(_dataset(tmp_path / "out", "scored")["claim_id"]) == sorted(BASE["claim_id"])


F06_CHARGES = {  # charge text -> what it must become
    "$1234.56": "unparsable_charge_amount",
    "1,234.56": "unparsable_charge_amount",
    "-50": "non_positive_charge",
    "0": "non_positive_charge",
    "NaN": "unparsable_charge_amount",
    "Infinity": "unparsable_charge_amount",
    "-Infinity": "unparsable_charge_amount",
    "1e300": "out_of_range_charge_amount",  # finite, but no claim is that large (MAXIMUM_CHARGE)
    " 12.50 ": 12.5,
    "100d": "unparsable_charge_amount",  # Java's float suffix
    "0x1p3": "unparsable_charge_amount",  # Java's hex float
    "1e400": "unparsable_charge_amount",  # not finite as a double
    "1.5E2": 150.0,
    "+75": 75.0,
    "10000000.00": 10_000_000.0,  # the maximum itself is allowed
    "10000000.01": "out_of_range_charge_amount",
}


def test_F06_charges_are_parsed_by_one_decimal_grammar_and_a_plausible_maximum(spark, tmp_path, capsys):
    source = BASE.loc[BASE["procedure_code"] == "99234", "claim_id"].iloc[0]  # the review's procedure
    rows = [_claim(source, f"F06-{i:02d}", charge_amount=text) for i, text in enumerate(F06_CHARGES)]
    path = _write_csv(_with(rows), tmp_path / "charges.csv")
    code, err = _run(capsys, "--input", path, "--output", tmp_path / "out")
    assert code == 0, err
    output = tmp_path / "out"
    expected_rejects = [v for v in F06_CHARGES.values() if isinstance(v, str)]
    _assert_conserved(output, 40 + len(F06_CHARGES), 40 + len(F06_CHARGES) - len(expected_rejects),
                      len(expected_rejects))  # fmt: skip
    rejected = _dataset(output, "rejected")
    assert dict(zip(rejected["claim_id"], rejected["reject_reason"], strict=True)) == {
        f"F06-{i:02d}": v for i, v in enumerate(F06_CHARGES.values()) if isinstance(v, str)
    }
    assert _reasons(rejected) == {"unparsable_charge_amount": 8, "non_positive_charge": 2,
                                  "out_of_range_charge_amount": 2}  # fmt: skip
    scored = _dataset(output, "scored").set_index("claim_id")
    accepted = {f"F06-{i:02d}": v for i, v in enumerate(F06_CHARGES.values()) if not isinstance(v, str)}
    assert scored.loc[list(accepted), "charge_amount"].to_dict() == accepted
    assert scored["charge_zscore"].map(math.isfinite).sum() == len(scored)  # no NaN from an overflowing stddev
    assert not scored.loc[scored["procedure_code"] == "99234", "is_zscore_outlier"].any()


def test_F06_the_maximum_charge_is_a_named_setting():
    assert MAXIMUM_CHARGE == 10_000_000.0


def test_F06_a_stddev_that_is_not_finite_gives_a_null_zscore_not_an_outlier(spark):
    # 1e300 and -1e300 make the sample variance overflow; a claim can no longer carry them (MAXIMUM_CHARGE), but
    # the statistic must not turn every claim of the procedure into an outlier if it ever does.
    claims = spark.createDataFrame(
        [("a", "BIG", 1e300), ("b", "BIG", -1e300), ("c", "BIG", 5.0), ("d", "OK", 10.0), ("e", "OK", 12.0)],
        "claim_id string, procedure_code string, charge_amount double",
    )
    stats = procedure_statistics(claims)
    flagged = {r.claim_id: r for r in add_procedure_flags(claims, stats, FraudSettings()).collect()}
    assert {key: (r.charge_zscore, r.is_zscore_outlier) for key, r in flagged.items() if key in ("a", "b", "c")} == {
        "a": (None, False),
        "b": (None, False),
        "c": (None, False),
    }
    assert flagged["d"].charge_zscore == pytest.approx(-1 / math.sqrt(2)) and not flagged["d"].is_zscore_outlier


def test_F06_an_infinite_or_nan_stddev_in_the_statistics_gives_a_null_zscore(spark):
    stats = spark.createDataFrame(
        [("INF", 10.0, float("inf"), [1.0, 2.0]), ("NAN", 10.0, float("nan"), [1.0, 2.0])],
        "procedure_code string, procedure_mean double, procedure_stddev double, _quartiles array<double>",
    )
    claims = spark.createDataFrame([("i", "INF", 5.0), ("n", "NAN", 5.0)],
                                   "claim_id string, procedure_code string, charge_amount double")  # fmt: skip
    rows = add_procedure_flags(claims, stats, FraudSettings()).collect()
    assert sorted((r.claim_id, r.charge_zscore, r.is_zscore_outlier) for r in rows) == [
        ("i", None, False),
        ("n", None, False),
    ]


def _f07_rows() -> list[dict]:
    """The review's 12 date variants on copies of one base claim, and one accepted variant (a timestamp without
    seconds or zone, which the timestamp grammar reads as UTC)."""
    source = BASE["claim_id"].iloc[0]
    plain = {"service_date": "2024-01-10", "submitted_at": "2024-01-20T09:00:00Z"}
    variants = [
        ("service_date", "2099-01-01", "out_of_range_service_date"),
        ("service_date", "2026-02-30", "unparsable_service_date"),
        ("service_date", "01/15/2024", "unparsable_service_date"),
        ("service_date", "2024-1-5", "unparsable_service_date"),
        ("service_date", "1704187800", "unparsable_service_date"),
        ("submitted_at", "1704187800", "unparsable_submitted_at"),
        ("submitted_at", "2024-01-09T23:59:59Z", "submitted_before_service"),
        ("service_date", "2024-01-15T10:00", "unparsable_service_date"),
        ("service_date", "20240115", "unparsable_service_date"),
        ("submitted_at", "2024-02-30T10:00:00Z", "unparsable_submitted_at"),
        ("service_date", "0001-01-01", "out_of_range_service_date"),
        ("submitted_at", "2024-01-15T10:00:00+25:00", "unparsable_submitted_at"),
        ("submitted_at", "2024-01-10T00:00", None),  # submitted on the day of service: accepted
    ]
    return [
        {**_claim(source, f"F07-{i:02d}", **{**plain, column: value}), "expected": reason}
        for i, (column, value, reason) in enumerate(variants)
    ]


def test_F07_dates_outside_the_plausible_range_or_submitted_before_service_are_rejected(spark, tmp_path, capsys):
    rows = _f07_rows()
    path = _write_csv(_with([{k: v for k, v in r.items() if k != "expected"} for r in rows]), tmp_path / "d.csv")
    code, err = _run(capsys, "--input", path, "--output", tmp_path / "out")
    assert code == 0, err  # 0001-01-01 no longer reaches the parquet writer (it crashed the run with a Java trace)
    assert err == ""
    output = tmp_path / "out"
    rejects = {r["claim_id"]: r["expected"] for r in rows if r["expected"]}
    _assert_conserved(output, 40 + len(rows), 40 + len(rows) - len(rejects), len(rejects))
    rejected = _dataset(output, "rejected")
    assert dict(zip(rejected["claim_id"], rejected["reject_reason"], strict=True)) == rejects
    assert rejected.set_index("claim_id").loc["F07-10", "service_date"] == "0001-01-01"  # the original text
    scored = _dataset(output, "scored").set_index("claim_id")
    assert _utc(scored["submitted_at"])["F07-12"] == pd.Timestamp("2024-01-10T00:00:00Z")
    assert str(scored.loc["F07-12", "service_date"]) == "2024-01-10"


def test_F07b_excel_s_day_zero_as_a_timestamp_is_rejected_not_a_crash(spark, tmp_path, capsys):
    row = _claim(BASE["claim_id"].iloc[1], "F07b-1", submitted_at="1899-12-30T00:00:00Z")
    path = _write_csv(_with([row]), tmp_path / "zero.csv")
    code, err = _run(capsys, "--input", path, "--output", tmp_path / "out")
    assert code == 0, err
    _assert_conserved(tmp_path / "out", 41, 40, 1)
    rejected = _dataset(tmp_path / "out", "rejected")
    assert rejected[["claim_id", "reject_reason", "submitted_at"]].values.tolist() == [
        ["F07b-1", "out_of_range_submitted_at", "1899-12-30T00:00:00Z"]
    ]


def test_F08_blank_whitespace_and_null_words_in_id_columns_are_null(spark, tmp_path, capsys):
    ids = iter(BASE["claim_id"].iloc[:6])
    rows = [
        _claim(next(ids), ""),
        _claim(next(ids), "   "),
        _claim(next(ids), "F08-3", patient_id="NULL"),
        _claim(next(ids), "F08-4", provider_id="null"),
        _claim(next(ids), "F08-5", procedure_code="\t"),
        _claim(next(ids), "N/A"),
    ]
    path = _write_csv(_with(rows), tmp_path / "nulls.csv")
    code, err = _run(capsys, "--input", path, "--output", tmp_path / "out")
    assert code == 0, err
    _assert_conserved(tmp_path / "out", 46, 40, 6)
    rejected = _dataset(tmp_path / "out", "rejected")
    assert _reasons(rejected) == {"null_claim_id": 3, "null_patient_id": 1, "null_provider_id": 1,
                                  "null_procedure_code": 1}  # fmt: skip
    originals = rejected.set_index("reject_reason")
    assert originals.loc["null_patient_id", "patient_id"] == "NULL"  # the original text is kept
    assert originals.loc["null_procedure_code", "procedure_code"] == "\t"
    assert "N/A" in set(originals.loc["null_claim_id", "claim_id"])
    scored = _dataset(tmp_path / "out", "scored")
    assert not scored["procedure_code"].str.strip().eq("").any()


def test_F09_a_claim_id_with_two_different_claims_rejects_both_an_identical_copy_keeps_one(spark, tmp_path, capsys):
    copied, changed = "CLM00001467", "CLM00000739"
    original_charge = BASE.set_index("claim_id").loc[changed, "charge_amount"]
    rows = [_claim(copied, copied), _claim(changed, changed, charge_amount="1.00")]
    path = _write_csv(_with(rows), tmp_path / "repeats.csv")
    code, err = _run(capsys, "--input", path, "--output", tmp_path / "out")
    assert code == 0, err
    _assert_conserved(tmp_path / "out", 42, 39, 3)
    rejected = _dataset(tmp_path / "out", "rejected")
    columns = ("claim_id", "reject_reason", "charge_amount")
    assert sorted(zip(*(rejected[c] for c in columns), strict=True)) == sorted([
        (copied, "duplicate_claim_id", BASE.set_index("claim_id").loc[copied, "charge_amount"]),
        (changed, "conflicting_claim_id", "1.00"),
        (changed, "conflicting_claim_id", original_charge),
    ])  # fmt: skip
    scored = _dataset(tmp_path / "out", "scored")
    assert scored["claim_id"].tolist().count(copied) == 1 and changed not in set(scored["claim_id"])


def test_F12_unicode_ids_and_states_are_kept_and_the_picture_warns_of_no_missing_glyph(spark, tmp_path, capsys):
    source = BASE["claim_id"].iloc[2]
    far = {"patient_lat": "40.7", "patient_lon": "-74.0", "provider_lat": "34.0", "provider_lon": "-118.2"}
    rows = [
        # PRV-東京's one claim is long-distance, so it heads the picture's providers by flagged share
        _claim(source, "CLM-東京-1", provider_id="PRV-東京", patient_state="tx", provider_state="TX", **far),
        _claim(source, "CLM-😀", patient_state="ñy", provider_state="ÑY"),
        _claim(source, "clm-ǅ"),
        _claim(source, "F12-4", patient_id="PAT-straße"),
        _claim(source, "F12-5", provider_id="PRV-東京", **far),
    ]
    path = _write_csv(_with(rows), tmp_path / "unicode.csv")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, err = _run(capsys, "--input", path, "--output", tmp_path / "out")
    assert code == 0, err
    assert err == "" and [str(w.message) for w in caught if "Glyph" in str(w.message)] == []
    _assert_conserved(tmp_path / "out", 45, 45, 0)
    scored = _dataset(tmp_path / "out", "scored").set_index("claim_id")
    assert scored.loc[["CLM-東京-1", "CLM-😀"], ["patient_state", "provider_state"]].values.tolist() == [
        ["TX", "TX"],
        ["ÑY", "ÑY"],
    ]
    assert not scored.loc[["CLM-東京-1", "CLM-😀"], "rule_out_of_state"].any()
    assert scored.loc["clm-ǅ", "patient_id"] == BASE["patient_id"].iloc[2]
    assert scored.loc["F12-4", "patient_id"] == "PAT-straße"
    assert scored.loc["F12-5", "rule_long_distance"]
    picture = tmp_path / "out" / "_runs" / f"date={DAY}" / "fraud_summary.png"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_F13_a_50_mb_first_line_is_named_as_no_csv_header_quickly(spark, tmp_path, capsys):
    path = tmp_path / "one_line.csv"
    path.write_bytes(b"A" * (50 * 1024 * 1024))
    started = time.perf_counter()
    code, err = _run(capsys, "--input", path, "--output", tmp_path / "out")
    elapsed = time.perf_counter() - started
    line = _error_line(err)
    assert code == 1
    assert line.startswith("the first line of ") and path.name in line, line  # the file is named
    assert "is over 1 MiB with no line end; not a csv header" in line
    assert elapsed < 10, f"took {elapsed:.1f} s"  # the 131072-byte field limit took 14 s to say less


def test_F14_a_parquet_file_among_csv_files_is_named_with_the_fix(spark, tmp_path, capsys):
    folder = tmp_path / "f_mixed_dir"
    _write_csv(BASE.iloc[:20], folder / "a.csv")
    BASE.iloc[20:].to_parquet(folder / "b.parquet", index=False)
    code, err = _run(capsys, "--input", folder, "--output", tmp_path / "out", "--input-format", "csv")
    line = _error_line(err)
    assert code == 1
    assert "b.parquet is a parquet file (starts with PAR1), not csv; remove it or use --input-format parquet" in line
    assert re.search(r"[\x00-\x1f\x7f]", line) is None, repr(line)  # no raw bytes of the file


def test_F15_an_output_inside_the_input_is_refused_before_spark_starts(tmp_path, capsys, monkeypatch):
    def no_spark(*_args, **_kwargs):
        raise AssertionError("Spark started before --output was checked against --input")

    monkeypatch.setattr(lifecycle, "build_spark_session", no_spark)
    folder = tmp_path / "f_outin"
    _write_csv(BASE, folder / "claims.csv")
    for output, wording in ((folder / "out", "lies inside --input"), (folder, "--input")):
        code, err = _run(capsys, "--input", folder, "--output", output)
        line = _error_line(err)
        assert code == 1 and wording in line and "give an output outside the input" in line, line
    assert sorted(p.name for p in folder.iterdir()) == ["claims.csv"]  # nothing written into the input


def test_F17a_pandas_parquet_with_nanosecond_timestamps_and_other_types_is_read(spark, tmp_path, capsys):
    typed = BASE.assign(
        claim_id=BASE["claim_id"].str.removeprefix("CLM").astype("int64"),
        service_date=pd.to_datetime(BASE["service_date"]).dt.date,
        submitted_at=pd.to_datetime(BASE["submitted_at"], utc=True),
        **{c: BASE[c].astype("float64") for c in COORDINATES},
    )  # charge_amount stays a string, as the review's file had it
    path = tmp_path / "pandas.parquet"
    typed.to_parquet(path, index=False)
    schema = pq.read_schema(path)
    assert str(schema.field("submitted_at").type) == "timestamp[ns, tz=UTC]", schema
    assert str(schema.field("claim_id").type) == "int64" and str(schema.field("service_date").type) == "date32[day]"
    code, err = _run(capsys, "--input", path, "--input-format", "parquet", "--output", tmp_path / "out")
    assert code == 0, err
    _assert_conserved(tmp_path / "out", 40, 40, 0)
    scored = _dataset(tmp_path / "out", "scored").set_index("claim_id").sort_index()
    expected = typed.assign(claim_id=typed["claim_id"].astype(str)).set_index("claim_id").sort_index()
    assert scored.index.tolist() == expected.index.tolist()
    assert _utc(scored["submitted_at"]).tolist() == expected["submitted_at"].tolist()
    assert [str(d) for d in scored["service_date"]] == [str(d) for d in expected["service_date"]]


def test_F18_json_lines_keep_a_broken_line_s_text_and_reject_nested_values(spark, tmp_path, capsys):
    lines = []
    for index, record in enumerate(BASE.to_dict("records")):
        numbers = ("charge_amount", *COORDINATES) if index % 2 else ()  # half carry their numbers as JSON numbers
        lines.append(json.dumps({**record, **{c: float(record[c]) for c in numbers}}, ensure_ascii=False))
    broken = '{"claim_id": "BROKEN1", "patient_id": "PAT0000001", "provider_id": "PRV0'
    nested = json.dumps({**_claim(BASE["claim_id"].iloc[3], "NESTED1"), "patient_id": {"id": 7}})
    path = tmp_path / "claims.json"
    path.write_text("\n".join([*lines[:20], broken, *lines[20:], nested]) + "\n")
    code, err = _run(capsys, "--input", path, "--input-format", "json", "--output", tmp_path / "out")
    assert code == 0, err
    _assert_conserved(tmp_path / "out", 42, 40, 2)
    rejected = _dataset(tmp_path / "out", "rejected")
    assert rejected["reject_reason"].tolist() == ["malformed_record", "malformed_record"]
    assert sorted(rejected["raw_record"]) == sorted([broken, nested])
    scored = _dataset(tmp_path / "out", "scored").set_index("claim_id")
    assert scored.loc[BASE["claim_id"], "charge_amount"].tolist() == BASE["charge_amount"].astype(float).tolist()
    assert scored.loc[BASE["claim_id"], "patient_lat"].tolist() == BASE["patient_lat"].astype(float).tolist()
