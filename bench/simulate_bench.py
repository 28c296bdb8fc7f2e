"""Simulation benchmark: the issue's command on a 24-hour trace at 1 s resolution.

    knstack simulate --stack prod --service coffee --pattern spike --compare hpa,reserved --plots DIR/coffee

Each run is a fresh process (start-up, environment build, three simulations of 86 400
seconds, table and both plots); figures are wall/CPU seconds, best of the runs (a shared
machine inflates wall time; CPU time is what the command itself costs). The goal is
under 5 seconds. Usage: .venv/bin/python bench/simulate_bench.py [RUNS]
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
KNSTACK = REPO / ".venv" / "bin" / "knstack"


def once(out: Path) -> tuple[float, float]:
    args = [str(KNSTACK), "simulate", "-C", str(REPO), "--stack", "prod", "--service", "coffee",
            "--pattern", "spike", "--compare", "hpa,reserved", "--plots", str(out / "coffee")]  # fmt: skip
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> int:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory() as tmp:
        figures = [once(Path(tmp)) for _ in range(runs)]
    wall = min(f[0] for f in figures)
    cpu = min(f[1] for f in figures)
    print(f"simulate 24 h @ 1 s, 3 configurations + plots: best wall {wall:.2f} s, cpu {cpu:.2f} s "
          f"({runs} runs; goal < 5 s)")  # fmt: skip
    return 0 if wall < 5.0 else 1


if __name__ == "__main__":
    sys.exit(main())
