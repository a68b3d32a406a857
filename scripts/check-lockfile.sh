#!/usr/bin/env bash
# Proves package-lock.json is complete for every platform: regenerating it from package.json (which lists every
# platform's optional native binaries) must change nothing. A lockfile written by `npm install` on one platform can
# lack the others' binaries, and then `npm ci` fails on those platforms (and on GitHub's runners).
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cp package.json package-lock.json "$scratch/"
(cd "$scratch" && npm install --package-lock-only --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
if ! cmp -s package-lock.json "$scratch/package-lock.json"; then
  echo "lockfile: package-lock.json is incomplete or stale; fix: npm install --package-lock-only and commit package-lock.json" >&2
  diff <(node -p 'Object.keys(require("./package-lock.json").packages).join("\n")') \
       <(node -p "Object.keys(require('$scratch/package-lock.json').packages).join('\\n')") | grep '^[<>]' | head -20 >&2 || true
  exit 1
fi
echo "lockfile: complete for every platform ($(node -p 'Object.keys(require("./package-lock.json").packages).length - 1') packages)"
