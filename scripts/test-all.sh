#!/usr/bin/env bash
# `npm test`: every test suite — jest (infrastructure, environments, CLI against moto's server), pytest (Spark jobs
# on local Spark) and the checkov security scan of every synthesized environment. Installs what is missing first.
# Runs every suite even when one fails, then exits non-zero naming the failed ones.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-setup.sh || exit 1

failed=()
suite() { # name, command...
  local name=$1; shift
  echo; echo "=== ${name}: $*"
  "$@" || failed+=("$name")
}
suite jest npm run -s test:ts
suite pytest npm run -s test:py
suite checkov npm run -s scan

echo
if ((${#failed[@]})); then
  echo "npm test: FAILED suites: ${failed[*]}"
  exit 1
fi
echo "npm test: all suites passed (jest, pytest, checkov)"
