"""Argument parsing shared by the jobs: usage errors exit 1 with one line (argparse's own exit 2 means
'quality gate failed' here), plus value types that explain what they expected."""

import argparse
import datetime as dt

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.intake import SUPPORTED_FORMATS


class JobArgumentParser(argparse.ArgumentParser):
    def error(self, message: str):  # type: ignore[override]
        raise JobError(f"invalid arguments: {message} (see --help)")


def add_input_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", required=True, help="input path or URI (file, directory or glob; s3:// on EMR)")
    parser.add_argument("--input-format", choices=SUPPORTED_FORMATS, default="csv", help="input format (default csv)")


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got '{value}'") from None


def _checked_number(value: str, convert, accept, expectation: str):
    """`convert` the text, then `accept` the number; either failing gives one message naming what was expected."""
    try:
        number = convert(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {expectation}, got '{value}'") from None
    if not accept(number):
        raise argparse.ArgumentTypeError(f"expected {expectation}, got '{value}'")
    return number


def positive_int(value: str) -> int:
    return _checked_number(value, int, lambda n: n > 0, "a positive integer")


def positive_float(value: str) -> float:
    return _checked_number(value, float, lambda n: n > 0 and n != float("inf"), "a positive number")


def fraction(value: str) -> float:
    return _checked_number(value, float, lambda n: 0.0 <= n <= 1.0, "a fraction between 0 and 1")


def positive_int_list(value: str) -> tuple[int, ...]:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers, got '{value}'")
    try:
        numbers = tuple(positive_int(part) for part in parts)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers, got '{value}'") from None
    return tuple(sorted(set(numbers)))
