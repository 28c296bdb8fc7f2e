#!/usr/bin/env bash
# Prepares a fresh machine for knstack: a virtualenv with pinned Python packages in .venv/,
# and (from scripts/bootstrap-tools.sh) the Go-built tools in .tools/. Idempotent and cached:
# a second run only checks that everything is in place.
#
#   scripts/bootstrap.sh               the main job's needs: .venv (the package alone),
#                                      kubeconform and the pinned CRDs
#   scripts/bootstrap.sh pulumi        also the Pulumi SDKs, CLI, Python host and kubernetes plugin
#   scripts/bootstrap.sh cluster       also etcd, Kubernetes and kwok for `knstack cluster up`
#   scripts/bootstrap.sh simulate      also numpy and matplotlib (knstack simulate)
#   scripts/bootstrap.sh tests         everything the test suite runs (what scripts/test.sh uses)
#   scripts/bootstrap.sh bench         the peers benchmark's Helm and cdk8s (bench/peers_bench.py)
#   scripts/bootstrap.sh --all         every tool (see scripts/bootstrap-tools.sh --list)
# The README's "What builds what" table gives the cold times.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

python_bin="${PYTHON:-python3.11}"
command -v "$python_bin" >/dev/null 2>&1 || python_bin=python3

# The Python extras each group needs (pyproject.toml); the main job needs none. `simulate`
# is Python only (numpy, matplotlib for `knstack simulate`), not a tool group.
extras=()
tool_args=()
for arg in "$@"; do
  case "$arg" in
    pulumi) extras+=(pulumi) ;;
    cluster) extras+=(cluster) ;;
    tests) extras+=(pulumi dev simulate cluster) ;;
    bench) extras+=(bench simulate) ;;
    all|--all) extras+=(pulumi dev simulate bench cluster) ;;
  esac
  case "$arg" in
    simulate) extras+=(simulate) ;;
    *) tool_args+=("$arg") ;;
  esac
done

# A stamp per part (.venv/.knstack-bootstrap for the package, .venv/.knstack-extra-<name>
# per extra) holds the pyproject.toml it was installed from; only what is stale installs.
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
stamp_of() { if [ "$1" = base ]; then echo .venv/.knstack-bootstrap; else echo ".venv/.knstack-extra-$1"; fi; }
missing=()
for part in base ${extras[@]+"${extras[@]}"}; do
  case " ${missing[*]} " in *" $part "*) continue ;; esac
  [ "$(cat "$(stamp_of "$part")" 2>/dev/null)" = "$want" ] || missing+=("$part")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "bootstrap: installing pinned Python dependencies into .venv (${missing[*]})" >&2
  if [ ! -x .venv/bin/python ]; then
    "$python_bin" -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip==25.3
  fi
  names="$(printf '%s\n' "${missing[@]}" | { grep -vx base || true; } | paste -sd, -)"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${names:+[$names]}"
  for part in "${missing[@]}"; do echo "$want" > "$(stamp_of "$part")"; done
fi

# An editable install leaves knstack's bytecode to the interpreter, which caches none where
# PYTHONDONTWRITEBYTECODE is set: every command would then compile ~110 modules (0.18 s of
# each start). Compile them here, as installing a wheel does; a file edited later is
# compiled afresh in memory (its cached bytecode no longer matches) until the next bootstrap.
.venv/bin/python -m compileall -q knstack >/dev/null

if [ -x scripts/bootstrap-tools.sh ] && [ "${KNSTACK_SKIP_TOOLS:-0}" != "1" ]; then
  scripts/bootstrap-tools.sh ${tool_args[@]+"${tool_args[@]}"}
fi
