#!/usr/bin/env bash
# The main job on the built-in example: render every environment of the coffee shop
# (test, staging, prod) into out/, with the ledgers checked (--locked).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
scripts/bootstrap.sh
for env in test staging prod; do
  .venv/bin/knstack render --stack "$env" --locked
done
echo "Rendered manifests are in $root/out/<env>/<cluster>/" >&2
