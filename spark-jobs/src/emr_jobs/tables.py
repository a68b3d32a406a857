"""Every job output's table, from the declarations next to the jobs (emr_jobs/<area>/tables.py), as
spark-jobs/tables.json, from which the infrastructure creates the Glue tables (so the two cannot drift).

`python -m emr_jobs.tables --write` regenerates the file; `--check` exits 1 when the committed file is stale (a
pytest runs it); with neither it prints the JSON. A test runs the jobs on their samples and holds each written
dataset's parquet schema against its declaration.
"""

import argparse
import json
import sys
from pathlib import Path

from emr_jobs.dedup.tables import TABLES as DEDUP
from emr_jobs.financial.tables import TABLES as FINANCIAL
from emr_jobs.framework.runs_table import RUNS
from emr_jobs.framework.tables import Table
from emr_jobs.fraud.tables import TABLES as FRAUD
from emr_jobs.tracker.tables import TABLES as TRACKER

TABLES: tuple[Table, ...] = tuple(sorted((*FINANCIAL, *FRAUD, *DEDUP, *TRACKER, RUNS), key=lambda t: t.name))
TABLES_FILE = Path(__file__).resolve().parents[2] / "tables.json"


def render() -> str:
    names = [table.name for table in TABLES]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise SystemExit(f"tables: {', '.join(repeated)} declared twice; table names must be unique")
    document = {
        "generatedBy": "python -m emr_jobs.tables --write (do not edit by hand)",
        "tables": [table.to_json() for table in TABLES],
    }
    return json.dumps(document, indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="emr_jobs.tables", description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=f"write {TABLES_FILE.name}")
    mode.add_argument("--check", action="store_true", help=f"exit 1 when {TABLES_FILE.name} is stale")
    args = parser.parse_args(argv)
    text = render()
    if args.write:
        TABLES_FILE.write_text(text)
        print(f"tables: wrote {TABLES_FILE} ({len(TABLES)} tables)")
    elif args.check:
        if not TABLES_FILE.exists() or TABLES_FILE.read_text() != text:
            print(f"tables: {TABLES_FILE} is stale; fix: npm run jobs:tables", file=sys.stderr)
            return 1
        print(f"tables: {TABLES_FILE.name} is current ({len(TABLES)} tables)")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
