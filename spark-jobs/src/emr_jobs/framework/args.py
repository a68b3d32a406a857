"""Argument parsing shared by the jobs: usage errors exit 1 with one line (argparse's own exit 2 means
'quality gate failed' here), plus value types that explain what they expected."""

import argparse
import datetime as dt

from emr_jobs.framework.exit_codes import JobError
from emr_jobs.framework.readers import SUPPORTED_FORMATS


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


def positive_int(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{value}'") from None
    if number <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got '{value}'")
    return number


def positive_float(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got '{value}'") from None
    if not number > 0 or number == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive number, got '{value}'")
    return number


def fraction(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got '{value}'") from None
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, got '{value}'")
    return number


def positive_int_list(value: str) -> tuple[int, ...]:
    parts = [part.strip() for part in value.split(",") if part.strip()]
    if not parts:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers, got '{value}'")
    try:
        numbers = tuple(positive_int(part) for part in parts)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers, got '{value}'") from None
    return tuple(sorted(set(numbers)))
