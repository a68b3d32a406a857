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

# Install when node_modules is missing or older than the lockfile. Not `npm ci`: this workplace's registry carries
# only linux builds of native packages (@swc/core, unrs-resolver), so no lockfile written here can list the other
# platforms' optional binaries and `npm ci` rejects it as out of sync. `npm install` installs exactly the locked
# versions; CI then proves the lockfile was not changed, which is the guarantee `npm ci` would have given.
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm dependencies (locked versions)"
  lock_before=$(sha256sum package-lock.json)
  npm install --no-audit --no-fund --loglevel=error
  if [[ "${CI:-}" == "true" && "$(sha256sum package-lock.json)" != "$lock_before" ]]; then
    echo "setup: npm install changed package-lock.json; run npm install locally and commit the lockfile" >&2
    exit 1
  fi
else
  echo "setup: npm dependencies are up to date"
fi
bash scripts/setup-python.sh
