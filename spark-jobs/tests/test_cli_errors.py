"""Every CLI error path ends with exit 1 and a single-line reason on stderr, never a traceback."""

import contextlib
import io

import pytest

from emr_jobs.jobs import data_quality, financial_data_processor, smoke_test


def _call(main, args, capsys):
    with contextlib.redirect_stdout(io.StringIO()) as stdout:
        code = main([str(a) for a in args])
    err = capsys.readouterr().err
    return code, stdout.getvalue(), err


@pytest.fixture(scope="module")
def csv_input(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "bars.csv"
    path.write_text(
        "symbol,market,timestamp,open,high,low,close,volume\n"
        "AAA,NYSE,2024-01-02T00:00:00Z,10,11,9,10.5,100\n"
        "AAA,NYSE,2024-01-03T00:00:00Z,10.5,12,10,11.5,120\n"
    )
    return path


FINANCIAL_ERRORS = {
    "missing input": (["--input", "{tmp}/nope.csv"], "nope.csv not found"),
    "unknown format": (["--input", "{csv}", "--input-format", "xml"], "invalid choice: 'xml'"),
    "bad date": (["--input", "{csv}", "--date", "2024-02-30"], "YYYY-MM-DD"),
    "one sma window": (["--input", "{csv}", "--sma-windows", "20"], "at least two"),
    "min periods above window": (["--input", "{csv}", "--zscore-min-periods", "200"], "cannot exceed"),
    "negative threshold": (["--input", "{csv}", "--zscore-threshold", "-1"], "positive number"),
    "csv read as parquet": (
        ["--input", "{csv}", "--input-format", "parquet"],
        "not parquet; remove it or use --input-format csv",
    ),
    "csv read as json": (
        ["--input", "{csv}", "--input-format", "json"],
        "not json; remove it or use --input-format csv",
    ),
    "date without rows": (
        ["--input", "{csv}", "--date", "2023-06-01"],
        "no bars dated 2023-06-01 in {csv}: its bars are dated 2024-01-02 to 2024-01-03 (2 days); fix: --date within",
    ),
    "history without date": (["--input", "{csv}", "--history", "{tmp}"], "--history needs --date"),
}


@pytest.mark.parametrize("case", list(FINANCIAL_ERRORS))
def test_financial_processor_errors(spark, capsys, csv_input, tmp_path, case):
    args, fragment = FINANCIAL_ERRORS[case]
    args = [a.format(tmp=tmp_path, csv=csv_input) for a in args] + ["--output", tmp_path / "out"]
    code, _, err = _call(financial_data_processor.main, args, capsys)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("financial_data_processor: ERROR: "), err
    assert fragment.format(tmp=tmp_path, csv=csv_input) in lines[0]
    assert "Traceback" not in err


def test_missing_required_argument(capsys):
    code, _, err = _call(financial_data_processor.main, ["--input", "x.csv"], capsys)
    assert code == 1 and "the following arguments are required: --output" in err and len(err.splitlines()) == 1


@pytest.mark.parametrize("main", [financial_data_processor.main, data_quality.main, smoke_test.main])
def test_help_exits_0_and_describes_the_options(main, capsys):
    code = main(["--help"])
    out = capsys.readouterr().out
    assert (code == 0 and "usage:" in out and "--output" in out) or "--report" in out


def test_smoke_test_rejects_a_non_numeric_row_count(capsys):
    code, _, err = _call(smoke_test.main, ["--output", "x", "--rows", "many"], capsys)
    assert code == 1 and "positive integer" in err
