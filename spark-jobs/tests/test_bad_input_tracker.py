"""The aggregate and compare cases of the bad-input review (shared/reviews/jobs-bad-input.md), each run as a user
runs it: the job's main() on a file built from the committed samples, then the exit code, the one error line, the
counts read back from the written parquet, and _metrics.json. Each test is named after its case id."""

import contextlib
import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from pyspark.sql import functions as F

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.jobs import aggregate, compare
from emr_jobs.tracker.aggregate import check_totals_fit, exact_sums, state_daily_totals

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "sample"
CITY_SAMPLE = SAMPLES / "city_daily.csv"
OFFICIAL_SAMPLE = SAMPLES / "state_official.csv"
CITY_HEADER = ["date", "state", "city", "code", "cases", "deaths"]
# A00 against the official sample, as the review found it (5.3% of the keys differ).
SAMPLE_CLASSES = {"equal": 142, "changed": 1, "missing_ours": 6, "missing_theirs": 1}
BIG = "999999999999999999"  # 18 digits: the largest count the rules accept


def run(job, *args) -> tuple[int, list[str]]:
    """The job's exit code and its stderr lines (the one error line on failure, nothing on success)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = job.main([str(a) for a in args])
    return code, err.getvalue().splitlines()


def one_error_line(err: list[str], job: str) -> str:
    assert len(err) == 1 and err[0].startswith(f"{job}: ERROR: "), err
    assert err[0].isprintable(), err  # no raw bytes (PAR1...) and no control characters
    return err[0]


def read_csv_text(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def write_cities(path: Path, rows: list[tuple]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=CITY_HEADER).to_csv(path, index=False)
    return path


def reasons(output: Path) -> dict[str, int]:
    return pd.read_parquet(output / "rejected")["reject_reason"].value_counts().to_dict()


def state_daily(output: Path) -> pd.DataFrame:
    frame = pd.read_parquet(output / "state_daily")
    return frame.assign(date=frame["date"].astype(str)).sort_values(["date", "state"]).reset_index(drop=True)


def metrics(output: Path) -> dict:
    return json.loads((output / "_metrics.json").read_text())


def assert_failed_run_recorded(output: Path, line: str) -> None:
    record = metrics(output)
    assert record["status"] == "failed"
    assert record["error"] and line.endswith(record["error"])


@pytest.fixture(scope="module")
def a00(spark, tmp_path_factory) -> Path:
    """The aggregate sample run: the --ours of every compare case."""
    output = tmp_path_factory.mktemp("A00") / "out"
    code, err = run(aggregate, "--input", CITY_SAMPLE, "--output", output)
    assert (code, err) == (0, [])
    return output


def compare_args(a00: Path, theirs: Path, output: Path, *extra) -> list:
    return ["--ours", a00 / "state_daily", "--theirs", theirs, "--output", output, "--fail-above", "0.1", *extra]


def report(output: Path) -> dict:
    return json.loads((output / "diff_report.json").read_text())


# aggregate


def test_A00_the_sample_run_sums_582_rows_to_144_state_days(a00):
    assert len(state_daily(a00)) == 144
    assert sum(reasons(a00).values()) == 6
    record = metrics(a00)
    assert record["input_rows"] == 582 and record["conservation"]["holds"] is True


def test_A01_a_conflicting_duplicate_rejects_every_row_of_its_key_an_identical_copy_only_the_copy(spark, tmp_path):
    rows = [
        ("2020-03-01", "SP", "São Paulo", "3550308", "110", "3"),
        ("2020-03-01", "SP", "São Paulo", "3550308", "110", "3"),
        ("2020-03-01", "SP", "Campinas", "3509502", "40", "1"),
        ("2020-03-01", "SP", "Campinas", "3509502", "45", "1"),
        ("2020-03-01", "RJ", "Rio de Janeiro", "3304557", "30", "2"),
        ("2020-03-01", "RJ", "Niterói", "3303302", "5", "0"),
    ]
    code, err = run(aggregate, "--input", write_cities(tmp_path / "a01.csv", rows), "--output", tmp_path / "out")
    assert (code, err) == (0, [])
    assert reasons(tmp_path / "out") == {"duplicate": 1, "conflicting_duplicate": 2}
    rejected = pd.read_parquet(tmp_path / "out" / "rejected")
    conflicting = rejected[rejected["reject_reason"] == "conflicting_duplicate"]
    assert sorted(conflicting["cases"]) == ["40", "45"]  # neither count is trusted
    totals = state_daily(tmp_path / "out").set_index("state")
    assert totals.loc["SP", ["cases", "deaths", "cities"]].tolist() == [110, 3, 1]
    assert totals.loc["RJ", ["cases", "deaths", "cities"]].tolist() == [35, 2, 2]
    assert metrics(tmp_path / "out")["conservation"]["holds"] is True


A04_DATES = ["2020-02-30", "2021-02-29", "2020/03/01", "2020-3-1", "20200301", "2020-03-01T00:00:00",
             "+12020-03-01", " 2020-03-01 ", "2020-02-29", "2099-01-01", "0000-01-01"]  # fmt: skip


def date_rows(dates: list[str]) -> list[tuple]:
    return [(date, "SP", "Campinas", "3509502", str(10 + i), "0") for i, date in enumerate(dates)]


def test_A04_a_year_zero_date_is_rejected_out_of_range_not_a_crash(spark, tmp_path):
    code, err = run(aggregate, "--input", write_cities(tmp_path / "a04.csv", date_rows(A04_DATES)),
                    "--output", tmp_path / "out")  # fmt: skip
    assert (code, err) == (0, [])
    assert reasons(tmp_path / "out") == {"unparsable_date": 7, "out_of_range_date": 2}
    rejected = pd.read_parquet(tmp_path / "out" / "rejected")
    out_of_range = rejected.loc[rejected["reject_reason"] == "out_of_range_date", "date"]
    assert sorted(out_of_range) == ["0000-01-01", "2099-01-01"]
    assert state_daily(tmp_path / "out")["date"].tolist() == ["2020-02-29", "2020-03-01"]


def test_A04b_a_future_date_is_rejected_out_of_range(spark, tmp_path):
    dates = [date for date in A04_DATES if date != "0000-01-01"]
    code, err = run(aggregate, "--input", write_cities(tmp_path / "a04b.csv", date_rows(dates)),
                    "--output", tmp_path / "out")  # fmt: skip
    assert (code, err) == (0, [])
    assert reasons(tmp_path / "out") == {"unparsable_date": 7, "out_of_range_date": 1}
    assert "2099-01-01" not in state_daily(tmp_path / "out")["date"].tolist()
    assert metrics(tmp_path / "out")["valid_rows"] == 2


def test_A04c_a_date_before_1900_is_rejected_and_the_valid_row_is_written(spark, tmp_path):
    rows = [("2020-03-01", "SP", "Campinas", "3509502", "10", "0"), ("1500-01-01", "SP", "Santos", "3548500", "7", "0")]
    code, err = run(aggregate, "--input", write_cities(tmp_path / "a04c.csv", rows), "--output", tmp_path / "out")
    assert (code, err) == (0, [])
    assert reasons(tmp_path / "out") == {"out_of_range_date": 1}
    assert state_daily(tmp_path / "out")[["date", "state", "cases", "cities"]].values.tolist() == [
        ["2020-03-01", "SP", 10, 1]
    ]


def test_A06_a_utf8_bom_is_stripped_and_the_run_equals_the_sample_run(spark, a00, tmp_path):
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + CITY_SAMPLE.read_bytes())
    code, err = run(aggregate, "--input", bom, "--output", tmp_path / "out")
    assert (code, err) == (0, [])
    pd.testing.assert_frame_equal(state_daily(tmp_path / "out"), state_daily(a00))
    assert reasons(tmp_path / "out") == reasons(a00)


def test_A08a_a_parquet_file_in_a_csv_directory_is_named_with_the_fix(spark, tmp_path):
    sample = read_csv_text(CITY_SAMPLE)
    folder = tmp_path / "a08a"
    folder.mkdir()
    sample.iloc[:300].to_csv(folder / "part1.csv", index=False)
    sample.iloc[300:][list(reversed(CITY_HEADER))].to_csv(folder / "part2.csv", index=False)  # another order
    sample.iloc[:5].to_parquet(folder / "part3.parquet")
    code, err = run(aggregate, "--input", folder, "--output", tmp_path / "out")
    assert code == 1
    line = one_error_line(err, "aggregate")
    assert "part3.parquet" in line and "not csv" in line and "--input-format parquet" in line, line
    assert not (tmp_path / "out" / "state_daily").exists()
    (folder / "part3.parquet").unlink()  # the fix the line gives
    assert run(aggregate, "--input", folder, "--output", tmp_path / "out") == (0, [])
    assert metrics(tmp_path / "out")["input_rows"] == len(sample)


def test_A09b_whole_doubles_and_a_gap_from_pandas_parquet_are_read_as_counts(spark, tmp_path):
    sample = read_csv_text(CITY_SAMPLE)
    clean = sample[sample["cases"].str.fullmatch(r"\d+") & sample["deaths"].str.fullmatch(r"\d+")]
    clean = clean[(clean["state"] != "") & (clean["date"] != "2021-02-30")].drop_duplicates(["date", "state", "city"])
    frame = clean.iloc[:100].reset_index(drop=True)
    frame = frame.assign(
        date=[None if i == 1 else dt.date.fromisoformat(d) for i, d in enumerate(frame["date"])],
        cases=frame["cases"].astype("float64").where(frame.index != 0),  # pandas' NaN for a gap; 21 -> 21.0
        deaths=frame["deaths"].astype("int64"),
    )
    frame.loc[5, "cases"] = 12_345_678.0  # Spark renders it 1.2345678E7: still a count
    frame.to_parquet(tmp_path / "a09b.parquet")
    code, err = run(aggregate, "--input", tmp_path / "a09b.parquet", "--input-format", "parquet",
                    "--output", tmp_path / "out")  # fmt: skip
    assert (code, err) == (0, [])
    assert reasons(tmp_path / "out") == {"null_count": 1, "null_date": 1}
    kept = frame.iloc[2:].assign(date=lambda f: f["date"].astype(str), cases=lambda f: f["cases"].astype("int64"))
    expected = (
        kept.groupby(["date", "state"], sort=True)
        .agg(cases=("cases", "sum"), deaths=("deaths", "sum"), cities=("city", "size"))
        .reset_index()
    )
    pd.testing.assert_frame_equal(state_daily(tmp_path / "out"), expected, check_dtype=False)


def test_A10_an_output_inside_the_input_is_refused_before_anything_is_written(spark, tmp_path):
    folder = tmp_path / "a_outin"
    write_cities(folder / "cities.csv", [("2020-03-01", "SP", "Campinas", "3509502", "10", "0"),
                                         ("2020-03-01", "RJ", "Niterói", "3303302", "5", "0")])  # fmt: skip
    code, err = run(aggregate, "--input", folder, "--output", folder / "out")
    assert code == 1
    line = one_error_line(err, "aggregate")
    assert f"--output {folder / 'out'} lies inside --input {folder}" in line and "outside the input" in line, line
    assert sorted(p.name for p in folder.iterdir()) == ["cities.csv"]  # no outputs, no _metrics.json


def test_A11_states_are_upper_cased_and_invisible_characters_inside_rejected(spark, tmp_path):
    rows = [
        ("2020-03-01", "SP", "a", "1", "1", "0"),
        ("2020-03-01", "sp", "b", "2", "2", "0"),
        ("2020-03-01", " SP ", "c", "3", "4", "0"),
        ("2020-03-01", "São Paulo", "d", "4", "8", "0"),
        ("2020-03-01", "SP\u200b", "e", "5", "16", "0"),  # a trailing zero-width space is trimmed like a space
        ("2020-03-01", "S\u200bP", "f", "6", "32", "0"),  # one inside is not: it would print as a second "SP"
    ]
    code, err = run(aggregate, "--input", write_cities(tmp_path / "a11.csv", rows), "--output", tmp_path / "out")
    assert (code, err) == (0, [])
    rejected = pd.read_parquet(tmp_path / "out" / "rejected")
    assert rejected[["state", "reject_reason"]].values.tolist() == [["S\u200bP", "unparsable_state"]]
    totals = state_daily(tmp_path / "out")
    assert totals[["state", "cases", "cities"]].values.tolist() == [["SP", 23, 4], ["SÃO PAULO", 8, 1]]


def test_A12_a_state_day_total_beyond_a_bigint_fails_naming_state_date_and_column(spark, tmp_path):
    rows = [("2020-03-01", "SP", f"city {i}", str(i), BIG, "0") for i in range(10)]
    rows.append(("2020-03-01", "RJ", "Niterói", "3303302", "5", "0"))
    output = tmp_path / "out"
    code, err = run(aggregate, "--input", write_cities(tmp_path / "a12.csv", rows), "--output", output)
    assert code == 1
    line = one_error_line(err, "aggregate")
    assert "cases total of state SP on 2020-03-01 is 9999999999999999990" in line, line
    assert not (output / "state_daily").exists() and not (output / "rejected").exists()
    assert_failed_run_recorded(output, line)


def test_A12_exact_sums_catch_the_wrap_that_bigint_sums_hide(spark):
    cities = spark.createDataFrame(
        [(dt.date(2020, 3, 1), "SP", int(BIG), 0)] * 10, "date date, state string, cases bigint, deaths bigint"
    )
    wrapped = cities.groupBy("date", "state").agg(F.sum("cases").alias("cases"), F.sum("deaths").alias("deaths"))
    assert wrapped.first()["cases"] < 0  # what the old job wrote for SP
    # The old conservation check summed both sides as bigints: both wrap alike, so it held.
    assert cities.agg(F.sum("cases")).first()[0] == wrapped.agg(F.sum("cases")).first()[0]
    assert exact_sums(cities) == {"cases": 10 * int(BIG), "deaths": 0}
    assert exact_sums(wrapped) != exact_sums(cities)  # the exact one does not
    totals = state_daily_totals(cities)
    assert exact_sums(totals) == exact_sums(cities)
    with pytest.raises(JobError, match="cases total of state SP on 2020-03-01"):
        check_totals_fit(totals)


# compare


def official_with(tmp_path: Path, name: str, extra: list[dict]) -> Path:
    official = read_csv_text(OFFICIAL_SAMPLE)
    path = tmp_path / name
    pd.concat([official, pd.DataFrame(extra)], ignore_index=True).to_csv(path, index=False)
    return path


def official_parquet(tmp_path: Path, name: str, cases) -> Path:
    """The official sample as pandas writes it: numbers as numbers, dates as dates."""
    official = read_csv_text(OFFICIAL_SAMPLE)
    frame = official.assign(
        date=[dt.date.fromisoformat(d) for d in official["date"]],
        cases=cases(pd.to_numeric(official["cases"], errors="coerce")),  # "n/a" -> NaN
        deaths=official["deaths"].astype("int64"),
    )
    frame.to_parquet(tmp_path / name)
    return tmp_path / name


def test_C01_a_conflicting_official_key_is_rejected_and_the_key_differs(spark, a00, tmp_path):
    official = read_csv_text(OFFICIAL_SAMPLE)
    copy = official.iloc[2].to_dict()  # MG 2020-02-25, an identical copy
    es = official[(official["state"] == "ES") & (official["date"] == "2020-02-25")].iloc[0].to_dict()
    assert es["cases"] == "75"
    theirs = official_with(tmp_path, "c01.csv", [copy, {**es, "cases": "1075"}])
    code, err = run(compare, *compare_args(a00, theirs, tmp_path / "out"))
    assert (code, err) == (0, [])  # 10 of 150 keys differ, under --fail-above 0.1
    result = report(tmp_path / "out")
    assert result["rejected"]["theirs"] == {"conflicting_duplicate": 2, "duplicate": 2, "unparsable_count": 1}
    assert result["classes"] == {**SAMPLE_CLASSES, "equal": 141, "missing_theirs": 2}
    comparison = pd.read_parquet(tmp_path / "out" / "comparison")
    es_class = comparison.loc[(comparison["state"] == "ES") & (comparison["date"].astype(str) == "2020-02-25")]
    assert es_class["class"].tolist() == ["missing_theirs"]
    assert metrics(tmp_path / "out")["conservation"]["holds"] is True


def test_C03_whole_doubles_from_pandas_parquet_compare_like_the_csv(spark, a00, tmp_path):
    theirs = official_parquet(tmp_path, "c03.parquet", lambda cases: cases)  # float64, NaN for "n/a"
    code, err = run(compare, *compare_args(a00, theirs, tmp_path / "out", "--theirs-format", "parquet"))
    assert (code, err) == (0, [])
    result = report(tmp_path / "out")
    assert result["rejected"]["theirs"] == {"duplicate": 1, "null_count": 1}
    assert result["classes"] == SAMPLE_CLASSES


def test_C03_an_all_rejected_official_file_fails_with_exit_1_whatever_the_gate(spark, a00, tmp_path):
    theirs = official_parquet(tmp_path, "c03_rates.parquet", lambda cases: cases / 3 + 0.5)  # never whole
    output = tmp_path / "out"
    code, err = run(compare, *compare_args(a00, theirs, output, "--theirs-format", "parquet", "--fail-above", "1"))
    assert code == 1
    line = one_error_line(err, "compare")
    rejected = "unparsable_count 150, null_count 1"
    assert line == f"compare: ERROR: all 151 rows of --theirs {theirs} were rejected: {rejected}"
    assert not (output / "diff_report.json").exists() and not (output / "comparison").exists()
    assert_failed_run_recorded(output, line)


@pytest.mark.parametrize("gate", ["0.1", "1"], ids=["C04", "C04b"])
def test_C04_C04b_an_empty_official_file_fails_with_exit_1_whatever_the_gate(spark, a00, tmp_path, gate):
    theirs = tmp_path / "header_only.csv"
    theirs.write_text("date,region,state,cases,deaths\n")
    output = tmp_path / "out"
    code, err = run(compare, *compare_args(a00, theirs, output, "--fail-above", gate))
    assert code == 1
    line = one_error_line(err, "compare")
    assert line == f"compare: ERROR: --theirs {theirs} has no rows (a header only, or empty files)"
    assert not (output / "diff_report.json").exists()
    assert_failed_run_recorded(output, line)


def test_C04_an_empty_ours_fails_the_same_way(spark, tmp_path):
    ours = tmp_path / "empty_state_daily.parquet"
    pd.DataFrame({c: pd.Series(dtype="int64" if c in ("cases", "deaths") else "str") for c in
                  ("date", "state", "cases", "deaths")}).to_parquet(ours)  # fmt: skip
    code, err = run(compare, "--ours", ours, "--theirs", OFFICIAL_SAMPLE, "--output", tmp_path / "out",
                    "--fail-above", "1")  # fmt: skip
    assert code == 1
    line = one_error_line(err, "compare")
    assert line == f"compare: ERROR: --ours {ours} has no rows (a header only, or empty files)"


def test_C09_a_utf8_bom_in_the_official_file_is_stripped(spark, a00, tmp_path):
    theirs = tmp_path / "bom.csv"
    theirs.write_bytes(b"\xef\xbb\xbf" + OFFICIAL_SAMPLE.read_bytes())
    code, err = run(compare, *compare_args(a00, theirs, tmp_path / "out"))
    assert (code, err) == (0, [])
    result = report(tmp_path / "out")
    assert result["classes"] == SAMPLE_CLASSES
    assert result["rejected"]["theirs"] == {"duplicate": 1, "unparsable_count": 1}


def test_C10_the_aggregate_root_as_ours_names_its_subdirectories(spark, a00, tmp_path):
    code, err = run(compare, "--ours", a00, "--theirs", OFFICIAL_SAMPLE, "--output", tmp_path / "out")
    assert code == 1
    line = one_error_line(err, "compare")
    assert line.startswith(f"compare: ERROR: --ours {a00} has no data files at its top level"), line
    listed = line[line.index("(subdirectories: ") :].split(")")[0]
    assert "rejected" in listed and "state_daily" in listed and f"e.g. {a00}/state_daily" in line, line


def test_A08a_in_compare_a_format_mismatch_names_the_inputs_own_format_flag(spark, a00, tmp_path):
    """The fix in the line is the flag the user would change: --theirs-format for --theirs, not --input-format."""
    theirs = tmp_path / "official"
    theirs.mkdir()
    read_csv_text(OFFICIAL_SAMPLE).to_parquet(theirs / "official.parquet")
    code, err = run(compare, *compare_args(a00, theirs, tmp_path / "out"))
    assert code == 1
    line = one_error_line(err, "compare")
    assert "official.parquet is a parquet file" in line and line.endswith("use --theirs-format parquet"), line
    assert run(compare, *compare_args(a00, theirs, tmp_path / "out", "--theirs-format", "parquet"))[0] == 0
