"""The job catalogue: every job's name, aliases, entry point and typed options, read from the job's own argparse
parser so the options are declared once, next to the job.

`python -m emr_jobs.catalog --write` regenerates spark-jobs/catalog.json, which the TypeScript side reads (the CLI's
`submit` and the pipelines' typed steps); `--check` fails when the committed file is stale (a pytest runs it).
A job whose option uses a value type this module does not know fails the export: add the type to VALUE_TYPES.
"""

import argparse
import importlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from emr_jobs.framework import args as arg_types
from emr_jobs.generated_file import write_or_check
from emr_jobs.runtime_needs import emr_image_blocker, needs_pandas


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    aliases: tuple[str, ...]
    module: str
    summary: str
    # Exit code 2 means something specific for this job (a gate or threshold), or None when it never exits 2.
    exit_2: str | None = None


JOBS: tuple[CatalogEntry, ...] = (
    CatalogEntry("smoke_test", ("smoke",), "emr_jobs.jobs.smoke_test", "write, read back and check a generated table"),
    CatalogEntry(
        "financial_data_processor",
        ("financial",),
        "emr_jobs.jobs.financial_data_processor",
        "cleanse OHLCV bars, compute indicators, flag anomalies, summarise markets",
    ),
    CatalogEntry(
        "data_quality",
        ("quality",),
        "emr_jobs.jobs.data_quality",
        "evaluate declared rules on a table; the quality gate",
        exit_2="a rule's failing fraction is above --failure-threshold (with --verdict: exit 0, verdict stop)",
    ),
    CatalogEntry(
        "fraud_detection",
        ("fraud",),
        "emr_jobs.jobs.fraud_detection",
        "score insurance claims: outliers, Benford, duplicates, six rules; flagged and high-risk claims",
    ),
    CatalogEntry(
        "dedup",
        (),
        "emr_jobs.jobs.dedup",
        "keep the latest (or first-seen) row per key; superseded rows point at the kept one",
    ),
    CatalogEntry(
        "aggregate",
        (),
        "emr_jobs.jobs.aggregate",
        "sum city-level daily case counts to state-level daily totals",
    ),
    CatalogEntry(
        "compare",
        (),
        "emr_jobs.jobs.compare",
        "compare state-level totals with an official file: diff report, differences CSV, picture",
        exit_2="the share of changed or missing keys is above --fail-above (with --verdict: exit 0, verdict stop)",
    ),
    CatalogEntry(
        "financial_stream",
        (),
        "emr_jobs.jobs.financial_stream",
        "market ticks (Kinesis or files) to event-time OHLCV bars with indicators and anomalies, exactly once",
    ),
)

# argparse `type` callables → catalogue value types (the TypeScript side validates arguments by these names).
VALUE_TYPES = {
    None: "string",
    str: "string",
    int: "integer",
    float: "number",
    arg_types.iso_date: "date",
    arg_types.positive_int: "positiveInt",
    arg_types.positive_float: "positiveNumber",
    arg_types.fraction: "fraction",
    arg_types.positive_int_list: "positiveIntList",
}


def _json_default(value):
    if isinstance(value, tuple | list):
        return list(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _option(action: argparse.Action, job: str) -> dict:
    flag = next(s for s in action.option_strings if s.startswith("--"))
    option: dict = {"flag": flag, "required": bool(action.required), "help": action.help or ""}
    if isinstance(action, argparse._StoreTrueAction):  # a switch takes no value
        option["type"] = "flag"
        return option
    if action.choices is not None:
        option["type"] = "enum"
        option["values"] = [str(c) for c in action.choices]
    else:
        if action.type not in VALUE_TYPES:
            raise SystemExit(f"catalog: {job} {flag} uses an unknown value type {action.type!r}; add it to VALUE_TYPES")
        option["type"] = VALUE_TYPES[action.type]
    if action.default is not None and action.default is not argparse.SUPPRESS:
        option["default"] = _json_default(action.default)
    return option


def describe(entry: CatalogEntry) -> dict:
    parser: argparse.ArgumentParser = importlib.import_module(entry.module).build_parser()
    options = [
        _option(action, entry.name)
        for action in parser._actions
        if action.option_strings and not isinstance(action, argparse._HelpAction)
    ]
    return {
        "name": entry.name,
        "aliases": list(entry.aliases),
        "entrypoint": f"entrypoints/{entry.name}.py",
        "summary": entry.summary,
        "exit2": entry.exit_2,
        # EMR Serverless's own image (Python 3.9, no pandas): the CLI and pipelines refuse what it cannot run.
        "needsPandas": needs_pandas(entry.module),
        "emrImageBlocker": emr_image_blocker(entry.module),
        "options": options,
    }


def catalog() -> dict:
    return {
        "generatedBy": "python -m emr_jobs.catalog --write (do not edit by hand)",
        "jobs": [describe(entry) for entry in JOBS],
    }


def render() -> str:
    return json.dumps(catalog(), indent=2) + "\n"


CATALOG_FILE = Path(__file__).resolve().parents[2] / "catalog.json"


def main(argv: list[str] | None = None) -> int:
    return write_or_check(argv, prog="catalog", description=__doc__, path=CATALOG_FILE, text=render(),
                          counted=f"{len(JOBS)} jobs", fix="npm run jobs:catalog")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
