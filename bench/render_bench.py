"""Render benchmark: N synthetic services (three revisions each), end to end.

Prints, per N: wall time of `knstack render` (load, resolve, expand, write), peak memory,
and the ratio of render time to the bare cost of serialising the same manifests with
PyYAML's C dumper. Usage: .venv/bin/python bench/render_bench.py [N ...]
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from knstack.build import build_environment
from knstack.stack import read_project
from knstack.synthetic import ENVIRONMENT, write_synthetic_project

REPO = Path(__file__).resolve().parent.parent


def bare_serialisation_seconds(project_root: Path) -> tuple[float, int]:
    build = build_environment(read_project(project_root), ENVIRONMENT)
    manifests = [m for c in build.clusters for m in c.manifests]  # ordered by the build
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    start = time.perf_counter()
    for manifest in manifests:
        yaml.dump(manifest, Dumper=dumper, default_flow_style=False, sort_keys=False)
    return time.perf_counter() - start, len(manifests)


def render_in_subprocess(project_root: Path, out: Path) -> tuple[float, int]:
    """Wall time and peak RSS (KiB) of one `knstack render` process."""
    code = (
        "import resource, sys\n"
        "from knstack.cli import main\n"
        f"rc = main(['render', '--stack', '{ENVIRONMENT}', '--out', {str(out)!r}, '-C', {str(project_root)!r}])\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(rc)\n"
    )
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"render failed:\n{proc.stderr}")
    peak_kib = int(proc.stderr.strip().splitlines()[-1])
    return elapsed, peak_kib


def main(counts: list[int]) -> None:
    print(f"{'N':>6} {'objects':>8} {'render s':>9} {'peak MiB':>9} {'dump s':>8} {'ratio':>6}")
    for count in counts:
        with tempfile.TemporaryDirectory() as tmp:
            root = write_synthetic_project(Path(tmp) / "project", count)
            render_s, peak_kib = render_in_subprocess(root, Path(tmp) / "out")
            dump_s, objects = bare_serialisation_seconds(root)
        print(
            f"{count:>6} {objects:>8} {render_s:>9.2f} {peak_kib / 1024:>9.1f} {dump_s:>8.2f} {render_s / dump_s:>6.1f}"
        )
    _ = resource  # imported for the subprocess snippet's sake


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [100, 1000, 10000])
