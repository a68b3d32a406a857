#!/usr/bin/env bash
# Everything the two README commands need, installed only when missing or stale (a second run costs ~1 s):
# npm dependencies (exactly the lockfile, install scripts as approved in package.json allowScripts) and the two
# Python environments (scripts/setup-python.sh). Needs Node 20+, Python 3.11 and Java 17 on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "setup: $1 not found — $2" >&2; exit 1; }; }
need node "install Node.js 20 or newer"
need python3 "install Python 3.11"
need java "install a Java 17 runtime (Spark needs it), e.g. apt-get install openjdk-17-jre-headless"
node -e 'const [maj] = process.versions.node.split(".").map(Number); if (maj < 20) { console.error(`setup: Node ${process.versions.node} is too old; install Node 20 or newer`); process.exit(1); }'

# Install with `npm ci` when node_modules is missing or older than the lockfile: one install command everywhere
# (here, .ci/run and the GitHub workflows). The lockfile is complete for every platform (`npm install
# --package-lock-only` lists each optional native binary, e.g. @swc/core-darwin-arm64), so `npm ci` installs exactly
# it and refuses a lockfile that disagrees with package.json. After changing package.json, run
# `npm install --package-lock-only` and commit package-lock.json.
# `--clean` installs from a clean tree whatever is there (npm ci removes node_modules first): .ci/run's set-up step,
# proving the lockfile installs as committed. Its `npm test` then finds the install current instead of installing
# again (that second npm ci was ~80 s of CI's test step).
clean=false
[[ "${1:-}" == "--clean" ]] && clean=true
if [[ "$clean" == true || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm dependencies (npm ci, exactly the lockfile)"
  if ! npm ci --no-audit --no-fund --loglevel=error; then
    echo "setup: npm ci failed; if it says the lockfile is out of sync, run npm install --package-lock-only and commit package-lock.json" >&2
    exit 1
  fi
else
  echo "setup: npm dependencies are up to date"
fi
bash scripts/setup-python.sh
