#!/usr/bin/env bash
# `npm test`: every test suite — jest (infrastructure, environments, CLI against moto's server), pytest (Spark jobs
# on local Spark) and the checkov security scan of every synthesized environment. Installs what is missing first.
# Runs every suite even when one fails, then exits non-zero naming the failed ones.
#
# jest and pytest run side by side, each into its own log, printed whole when it ends: most of their time is spent
# in single-threaded Spark drivers and in waits on moto's server, so on two cores they overlap (README "Performance"
# has the measurements). TEST_SERIAL=1 runs them one after another with live output.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-setup.sh || exit 1

failed=()
suite() { # name, command...
  local name=$1; shift
  echo; echo "=== ${name}: $*"
  "$@" || failed+=("$name")
}

# Starts a suite in the background, its output into $logs/<name>.log and its exit code into $logs/<name>.rc. Each
# runs in a process group of its own (setsid), so stopping npm test (Ctrl-C, or a CI time-out's TERM) stops the
# whole suite, its Spark JVMs and moto servers included, instead of leaving them running.
logs=$(mktemp -d "${TMPDIR:-/tmp}/npm-test.XXXXXX")
groups=()
stop_suites() { for group in "${groups[@]+"${groups[@]}"}"; do kill -TERM -- "-$group" 2>/dev/null; done; }
trap 'stop_suites; rm -rf "$logs"' EXIT
trap 'echo "npm test: interrupted, stopping the suites" >&2; exit 130' INT
trap 'exit 143' TERM
started=$SECONDS
background() { # name, command...
  local name=$1; shift
  echo "=== ${name}: $* (in the background; its output follows when it ends)"
  setsid bash -c '"${@:3}" >"$1" 2>&1; echo $? >"$2"' _ "$logs/$name.log" "$logs/$name.rc" "$@" &
  groups+=($!)
}
# Prints each background suite's log as it ends, and a line a minute while any still runs.
report() { # names...
  local pending=("$@") last=$SECONDS
  while ((${#pending[@]})); do
    local still=()
    for name in "${pending[@]}"; do
      if [[ -f "$logs/$name.rc" ]]; then
        local rc; rc=$(<"$logs/$name.rc")
        echo; echo "=== ${name}: exit ${rc} after $((SECONDS - started)) s"
        cat "$logs/$name.log"
        ((rc == 0)) || failed+=("$name")
      else
        still+=("$name")
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    if ((${#pending[@]})); then
      if ((SECONDS - last >= 60)); then
        echo "npm test: still running after $((SECONDS - started)) s: ${pending[*]}"
        last=$SECONDS
      fi
      sleep 2
    fi
  done
}

if [[ "${TEST_SERIAL:-}" == 1 ]]; then
  suite jest npm run -s test:ts
  suite pytest npm run -s test:py
else
  background jest npm run -s test:ts
  background pytest npm run -s test:py
  report jest pytest
fi
suite checkov npm run -s scan

echo
if ((${#failed[@]})); then
  echo "npm test: FAILED suites: ${failed[*]}"
  exit 1
fi
echo "npm test: all suites passed (jest, pytest, checkov) in $((SECONDS - started)) s"
