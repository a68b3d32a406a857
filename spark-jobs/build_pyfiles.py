"""Builds the --py-files zip of the emr_jobs package for spark-submit on EMR.

    .venv/bin/python spark-jobs/build_pyfiles.py [--output spark-jobs/dist/emr_jobs.zip]

The zip is byte-for-byte reproducible (sorted entries, fixed timestamps, no caches), so the operator CLI can
upload it under a content-addressed key and skip the upload when nothing changed. Prints the zip's path.
"""

import argparse
import hashlib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE_ROOT = HERE / "src"
DEFAULT_OUTPUT = HERE / "dist" / "emr_jobs.zip"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def package_files(root: Path = PACKAGE_ROOT) -> list[Path]:
    return sorted(p for p in (root / "emr_jobs").rglob("*.py") if "__pycache__" not in p.parts)


def build_zip(output: Path, root: Path = PACKAGE_ROOT) -> str:
    """Writes the zip and returns its sha256."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in package_files(root):
            entry = zipfile.ZipInfo(path.relative_to(root).as_posix(), date_time=_FIXED_TIME)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())
    return hashlib.sha256(output.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    digest = build_zip(args.output)
    print(f"{args.output} sha256={digest}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
