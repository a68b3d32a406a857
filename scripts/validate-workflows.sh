#!/usr/bin/env bash
# `npm run validate:workflows`: checks .github/workflows/*.yml with actionlint — YAML and workflow syntax, `${{ }}`
# expressions and contexts, action inputs, matrix/needs references, and (when shellcheck is on PATH, as it is on
# GitHub's Ubuntu runners) the shell in every `run:` step.
# actionlint is built from source with `go install` at a pinned version into .tools/bin on first use; later runs reuse
# it (~0.1 s). Needs Go >= 1.25 only for that first install (older Go fetches the toolchain itself: GOTOOLCHAIN=auto).
set -euo pipefail
cd "$(dirname "$0")/.."

ACTIONLINT_VERSION=1.7.12
BIN_DIR="$PWD/.tools/bin"
ACTIONLINT="$BIN_DIR/actionlint"

installed_version() { "$ACTIONLINT" -version 2>/dev/null | head -n 1; }

if [[ ! -x "$ACTIONLINT" || "$(installed_version)" != "v$ACTIONLINT_VERSION" ]]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "validate-workflows: go not found; fix: install Go 1.25+ (actionlint v$ACTIONLINT_VERSION is installed with go install)" >&2
    exit 1
  fi
  echo "validate-workflows: installing actionlint v$ACTIONLINT_VERSION into .tools/bin"
  GOBIN="$BIN_DIR" GOFLAGS=-mod=mod go install "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if ((${#workflows[@]} == 0)); then
  echo "validate-workflows: no workflow files under .github/workflows" >&2
  exit 1
fi

if command -v shellcheck >/dev/null 2>&1; then
  shell_note="run: scripts checked with $(shellcheck --version | sed -n 's/^version: /shellcheck /p')"
else
  shell_note="run: scripts NOT shell-checked (shellcheck not on PATH; GitHub's runners have it)"
fi

"$ACTIONLINT" -no-color "${workflows[@]}"
echo "validate-workflows: ${#workflows[@]} workflow files pass actionlint v$ACTIONLINT_VERSION; $shell_note"
