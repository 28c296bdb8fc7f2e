#!/usr/bin/env bash
# Prepares a fresh machine for knstack: a virtualenv with pinned Python packages in .venv/,
# and (from scripts/bootstrap-tools.sh) the Go-built tools in .tools/. Idempotent and cached:
# a second run only checks that everything is in place.
#
#   scripts/bootstrap.sh               the main job's needs: .venv and kubeconform (~1-2 min cold)
#   scripts/bootstrap.sh pulumi        also the Pulumi CLI, Python host and kubernetes plugin
#   scripts/bootstrap.sh tests         everything the test suite runs (what scripts/test.sh uses)
#   scripts/bootstrap.sh bench         the peers benchmark's Helm and cdk8s (bench/peers_bench.py)
#   scripts/bootstrap.sh --all         every tool (see scripts/bootstrap-tools.sh --list)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python_bin="${PYTHON:-python3.11}"
command -v "$python_bin" >/dev/null 2>&1 || python_bin=python3

stamp=".venv/.knstack-bootstrap"
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "bootstrap: creating .venv with pinned Python dependencies" >&2
  "$python_bin" -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[pulumi,dev]'
  echo "$want" > "$stamp"
fi

# The benchmark's Python peer (cdk8s) only when the bench group is asked for.
case " $* " in
  *" bench "*|*" all "*|*" --all "*)
    bench_stamp=".venv/.knstack-bootstrap-bench"
    if [ ! -f "$bench_stamp" ] || [ "$(cat "$bench_stamp")" != "$want" ]; then
      echo "bootstrap: installing the benchmark's Python peers (cdk8s)" >&2
      .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[bench]'
      echo "$want" > "$bench_stamp"
    fi ;;
esac

if [ -x scripts/bootstrap-tools.sh ] && [ "${KNSTACK_SKIP_TOOLS:-0}" != "1" ]; then
  scripts/bootstrap-tools.sh "$@"
fi
