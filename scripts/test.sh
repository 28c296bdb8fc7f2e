#!/usr/bin/env bash
# The test command (README, .ci/run): bootstrap, lint, type check, then the whole test suite
# with line coverage of knstack/ (printed at the end: the least covered files and the total).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/bootstrap.sh tests
.venv/bin/ruff check knstack components tests policies bench scripts
.venv/bin/ruff format --check --quiet knstack components tests policies bench
.venv/bin/mypy  # strict on knstack/ (pyproject.toml [tool.mypy])
.venv/bin/python -m pytest -n 2 --cov=knstack --cov-report= "$@"
echo "coverage of knstack/ (in-process tests; the least covered files, then the total):"
.venv/bin/coverage report --sort=cover --skip-covered --precision=1 | sed -n '3,12p'
echo "TOTAL line coverage: $(.venv/bin/coverage report --format=total --precision=1)%"
