"""Refuses an output that equals or lies inside an input, before Spark starts: a second run would read the first
run's outputs back as input (F15, D10, A10)."""

import os
import posixpath
from collections.abc import Mapping
from urllib.parse import urlsplit

from emr_jobs.framework.exit_codes import JobError

_GLOB_CHARACTERS = "*?[{"
# Hadoop's s3 schemes all name the same bucket and key.
_S3_SCHEMES = ("s3", "s3a", "s3n")


def _without_glob(path: str) -> str:
    """The directory a glob lies in (in/*.csv -> in): everything a glob matches lies inside it."""
    cut = min((path.index(char) for char in _GLOB_CHARACTERS if char in path), default=None)
    if cut is None:
        return path
    return path[: path.rfind("/", 0, cut) + 1] or "."


def _location(path: str) -> tuple[str, tuple[str, ...]]:
    """(where, path parts) with `..`, `.` and repeated or trailing slashes resolved, so equal paths compare equal."""
    path = _without_glob(path)
    parts = urlsplit(path)
    if parts.scheme in _S3_SCHEMES:
        key = posixpath.normpath("/" + parts.path)
        return f"s3://{parts.netloc}", tuple(part for part in key.split("/") if part)
    if parts.scheme == "file":
        path = parts.path
    elif parts.scheme and len(parts.scheme) > 1:  # hdfs://... (a one-letter scheme is a Windows drive)
        key = posixpath.normpath("/" + parts.path)
        return f"{parts.scheme}://{parts.netloc}", tuple(part for part in key.split("/") if part)
    absolute = os.path.abspath(os.path.expanduser(path))
    return "local", tuple(part for part in absolute.split(os.sep) if part)


def check_output_outside_input(output: str, inputs: Mapping[str, str], output_option: str = "--output") -> None:
    """JobError when the output (given as `output_option`) equals or lies inside one of the inputs (option name ->
    value)."""
    where, parts = _location(output)
    for option, value in inputs.items():
        if value is None:
            continue
        input_where, input_parts = _location(value)
        if where != input_where or parts[: len(input_parts)] != input_parts:
            continue
        relation = "is the same path as" if parts == input_parts else "lies inside"
        raise JobError(f"{output_option} {output} {relation} {option} {value}; give an output outside the input")
