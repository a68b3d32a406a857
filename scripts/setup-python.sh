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

# Local Spark runs write through a fork-free local filesystem (spark-jobs/java/ForkFreeLocalFileSystem.java says
# why), compiled here against the pyspark's own Hadoop when a JDK is present; emr_jobs.framework.local_filesystem
# finds it in the environment. Without a JDK the jobs still run, with Hadoop's default (one chmod process per file).
build_local_filesystem() {
  local source=spark-jobs/java/ForkFreeLocalFileSystem.java
  local out=.venv/share/emr-jobs/fork-free-local-fs.jar
  local hadoop; hadoop=$(ls .venv/lib/python3*/site-packages/pyspark/jars/hadoop-client-api-*.jar | head -1)
  local want; want=$( { cat "$source"; echo "$hadoop"; } | sha256sum | cut -d' ' -f1)
  if [[ -f "$out" && "$(cat "$out.sha256" 2>/dev/null)" == "$want" ]]; then
    echo "java: $out is up to date"; return 0
  fi
  rm -f "$out" "$out.sha256"
  if ! command -v javac >/dev/null || ! command -v jar >/dev/null; then
    echo "java: javac not found, so local Spark writes keep Hadoop's chmod process per file (slower, same output); install a JDK 17 to build $out" >&2
    return 0
  fi
  local classes; classes=$(mktemp -d)
  javac --release 17 -nowarn -cp "$hadoop" -d "$classes" "$source"
  mkdir -p "$(dirname "$out")"
  jar cf "$out" -C "$classes" .
  rm -rf "$classes"
  echo "$want" > "$out.sha256"
  echo "java: built $out"
}
build_local_filesystem
