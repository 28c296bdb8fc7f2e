"""Validation benchmark: `knstack validate` on N synthetic services (three revisions each).

Prints, per N: the object count, then wall seconds of
- `validate --stack` with an empty schema cache (render in memory, generate the Kubernetes
  and CRD schemas, run kubeconform),
- `validate --stack` again (schemas cached),
- `validate DIR` on the output of `knstack render` (files already on disk),
- kubeconform alone on that directory with the same schemas (the floor knstack adds to).
Each run is a fresh process; figures are wall/CPU seconds (CPU includes kubeconform). CRDs come from ../shared/upstream unless `--crds DIR` is given.
Usage: .venv/bin/python bench/validate_bench.py [--crds DIR] [N ...]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from knstack.synthetic import ENVIRONMENT, write_synthetic_project
from knstack.validate import SchemaOptions
from knstack.validate.crds import crd_files, crd_schemas, sources_from_files
from knstack.validate.kubeconform import find_kubeconform
from knstack.validate.kubernetes_schemas import kubernetes_schemas

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CRDS = REPO.parent / "shared" / "upstream"


def timed(args: list[str], env: dict[str, str], expect: int = 0) -> str:
    """`wall/cpu` seconds of one process (cpu includes kubeconform: a shared machine inflates wall)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != expect:
        raise SystemExit(
            f"{' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return f"{elapsed:.2f}/{cpu:.2f}"


def knstack(*args: str) -> list[str]:
    return [sys.executable, "-m", "knstack", *args]


def run(count: int, crds: Path) -> str:
    with tempfile.TemporaryDirectory(prefix="knstack-validate-bench-") as tmp:
        root = write_synthetic_project(Path(tmp) / "project", count)
        cache = Path(tmp) / "cache"
        env = {**os.environ, "KNSTACK_CACHE_DIR": str(cache), "KNSTACK_CRDS": str(crds)}
        cold = timed(knstack("validate", "--stack", ENVIRONMENT, "-C", str(root)), env)
        warm = timed(knstack("validate", "--stack", ENVIRONMENT, "-C", str(root)), env)
        out = Path(tmp) / "out"
        timed(knstack("render", "--stack", ENVIRONMENT, "-C", str(root), "--out", str(out)), env)
        files = timed(knstack("validate", str(out / ENVIRONMENT)), env)
        objects = sum(
            1 for p in (out / ENVIRONMENT).rglob("*.yaml") if p.name != "kustomization.yaml"
        )
        bare = timed(bare_kubeconform(out / ENVIRONMENT, cache, crds), env)
    return f"{count:>6} {objects:>8} {cold:>12} {warm:>12} {files:>12} {bare:>14}"


def bare_kubeconform(directory: Path, cache: Path, crds: Path) -> list[str]:
    options = SchemaOptions(crd_paths=(crds,), cache_dir=cache)
    kubernetes = kubernetes_schemas("1.33.0", options.cache_dir)
    custom = crd_schemas(sources_from_files(crd_files([crds])), kubernetes, options.cache_dir)
    return [
        str(find_kubeconform()), "-strict", "-summary", "-kubernetes-version", kubernetes.version,
        "-schema-location", custom.location, "-schema-location", kubernetes.location,
        "-skip", "kustomize.config.k8s.io/v1beta1/Kustomization", "-n", str(os.cpu_count() or 1), str(directory),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[100, 1000])
    parser.add_argument("--crds", type=Path, default=DEFAULT_CRDS)
    args = parser.parse_args()
    print(
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; figures are wall/cpu seconds"
    )
    print(f"{'N':>6} {'objects':>8} {'cold':>12} {'warm':>12} {'files':>12} {'kubeconform':>14}")
    for count in args.counts:
        print(run(count, args.crds), flush=True)


if __name__ == "__main__":
    main()
