#!/usr/bin/env bash
# Creates the project's two Python environments, idempotently:
#   .venv        the Spark jobs: pyspark pinned to the EMR release's Spark, their deps, pytest, ruff, ta-lib
#   .venv-tools  the tools we run but do not import: moto's server (local AWS endpoint) and checkov.
# Kept apart because checkov pins many libraries that would otherwise fight the jobs' pins.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null || PYTHON=python3

make_venv() { # dir, stamp source files...
  local dir=$1; shift
  local stamp="$dir/.requirements.sha256"
  local want; want=$(cat "$@" | sha256sum | cut -d' ' -f1)
  if [[ -x "$dir/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
    echo "python: $dir is up to date"; return 0
  fi
  echo "python: creating $dir"
  "$PYTHON" -m venv "$dir"
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  local args=(); for f in "$@"; do [[ $f == *.txt ]] && args+=(-r "$f"); done
  "$dir/bin/python" -m pip install --quiet --disable-pip-version-check "${args[@]}"
  echo "$want" > "$stamp"
}

make_venv .venv spark-jobs/requirements.txt spark-jobs/requirements-dev.txt spark-jobs/pyproject.toml
# The jobs package itself, editable, so tests and local runs import the working tree.
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e spark-jobs
make_venv .venv-tools requirements-tools.txt
