"""A file generated from declarations in the code and committed (catalog.json, tables.json): the one command-line
shape that writes it, checks it is current, or prints it."""

import argparse
import sys
from pathlib import Path


def write_or_check(argv: list[str] | None, *, prog: str, description: str | None, path: Path, text: str,
                   counted: str, fix: str) -> int:  # fmt: skip
    """--write writes `text` to `path`; --check exits 1 when `path` differs from it; neither prints it."""
    parser = argparse.ArgumentParser(prog=f"emr_jobs.{prog}", description=description)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=f"write {path.name}")
    mode.add_argument("--check", action="store_true", help=f"exit 1 when {path.name} is stale")
    args = parser.parse_args(argv)
    if args.write:
        path.write_text(text)
        print(f"{prog}: wrote {path} ({counted})")
    elif args.check:
        if not path.exists() or path.read_text() != text:
            print(f"{prog}: {path} is stale; fix: {fix}", file=sys.stderr)
            return 1
        print(f"{prog}: {path.name} is current ({counted})")
    else:
        sys.stdout.write(text)
    return 0
