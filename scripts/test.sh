#!/usr/bin/env bash
# The test command (README, .ci/run): bootstrap, lint, then the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/bootstrap.sh tests
.venv/bin/ruff check knstack components tests policies bench scripts
.venv/bin/ruff format --check --quiet knstack components tests policies bench
.venv/bin/python -m pytest -n 2 "$@"
