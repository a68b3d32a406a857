"""Every job output's table, from the declarations next to the jobs (emr_jobs/<area>/tables.py), as
spark-jobs/tables.json, from which the infrastructure creates the Glue tables (so the two cannot drift).

`python -m emr_jobs.tables --write` regenerates the file; `--check` exits 1 when the committed file is stale (a
pytest runs it); with neither it prints the JSON. A test runs the jobs on their samples and holds each written
dataset's parquet schema against its declaration.
"""

import json
import sys
from pathlib import Path

from emr_jobs.dedup.tables import TABLES as DEDUP
from emr_jobs.financial.tables import TABLES as FINANCIAL
from emr_jobs.framework.runs_table import RUNS
from emr_jobs.framework.tables import Table
from emr_jobs.fraud.tables import TABLES as FRAUD
from emr_jobs.generated_file import write_or_check
from emr_jobs.streaming.tables import TABLES as STREAMING
from emr_jobs.tracker.tables import TABLES as TRACKER

DECLARED = (*FINANCIAL, *STREAMING, *FRAUD, *DEDUP, *TRACKER, RUNS)
TABLES: tuple[Table, ...] = tuple(sorted(DECLARED, key=lambda t: t.name))
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
    return write_or_check(argv, prog="tables", description=__doc__, path=TABLES_FILE, text=render(),
                          counted=f"{len(TABLES)} tables", fix="npm run jobs:tables")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
