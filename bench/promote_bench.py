"""Promotion benchmark: what one gated step costs on the example (prod: two clusters).

Walks coffee-00002 from staging's last stage through prod (promote, then every stage of
both waves, then stable) with the real gates, and prints per step the wall time of the
whole step and of each gate (render, validate with kubeconform, policy), plus the time of
`knstack status` and `knstack diff staging prod`. The first step fills the schema cache;
it is reported apart. Usage: .venv/bin/python bench/promote_bench.py
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from knstack.promote import StepOptions, advance, promote
from knstack.promote.diff import promotion_diff
from knstack.promote.status import status_records
from knstack.stack import read_project
from knstack.validate import SchemaOptions

REPO = Path(__file__).resolve().parent.parent
CRDS = REPO.parent / "shared" / "upstream"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="knstack-promote-bench-") as tmp:
        root = Path(tmp) / "project"
        root.mkdir()
        shutil.copy2(REPO / "Pulumi.yaml", root / "Pulumi.yaml")
        for folder in ("components", "stacks"):
            shutil.copytree(
                REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__")
            )
        os.environ.setdefault("KNSTACK_CACHE_DIR", str(Path(tmp) / "cache"))
        project = read_project(root)
        options = StepOptions(schema=SchemaOptions(crd_paths=(CRDS,)))
        timings: list[tuple[str, float, dict[str, float]]] = []

        def timed(label: str, step) -> None:  # type: ignore[no-untyped-def]
            gates: dict[str, float] = {}
            last = [time.perf_counter()]

            def on_gate(gate) -> None:  # type: ignore[no-untyped-def]
                now = time.perf_counter()
                gates[gate.name] = now - last[0]
                last[0] = now

            start = time.perf_counter()
            step(on_gate)
            timings.append((label, time.perf_counter() - start, gates))

        timed(
            "advance staging (cold cache)",
            lambda g: advance(project, "coffee", "staging", options, on_gate=g),
        )
        timed("promote to prod", lambda g: promote(project, "coffee", "prod", options, on_gate=g))
        for n in range(8):
            timed(
                f"advance prod #{n + 1}",
                lambda g: advance(project, "coffee", "prod", options, on_gate=g),
            )
        start = time.perf_counter()
        records, _ = status_records(project)
        status_seconds = time.perf_counter() - start
        start = time.perf_counter()
        promotion_diff(project, "staging", "prod")
        diff_seconds = time.perf_counter() - start

    print(f"{'step':32} {'total':>7} {'render':>7} {'validate':>9} {'policy':>7}")
    for label, total, gates in timings:
        print(
            f"{label:32} {total:6.2f}s {gates.get('render', 0):6.2f}s {gates.get('validate', 0):8.2f}s {gates.get('policy', 0):6.2f}s"
        )
    warm = [total for label, total, _ in timings[1:]]
    print(
        f"warm steps: median {statistics.median(warm):.2f}s, max {max(warm):.2f}s over {len(warm)} steps"
    )
    print(
        f"status ({len(records)} records, 4 environments built): {status_seconds:.2f}s; diff staging prod: {diff_seconds:.2f}s"
    )


if __name__ == "__main__":
    main()
