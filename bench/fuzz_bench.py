"""The fuzz harness of tests/hostile/test_fuzz.py, longer: `python bench/fuzz_bench.py [N]`.

Runs N mutated Knative inputs (default 20,000) through `knstack render -f` in-process and
prints the cases run, their speed and the seed; a failure prints the seed that replays it
(KNSTACK_FUZZ_SEED=... pytest tests/hostile/test_fuzz.py).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    cases = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    env = {"KNSTACK_FUZZ_SEED": "random", **os.environ, "KNSTACK_FUZZ_EXAMPLES": str(cases)}
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:randomly",
            "-p",
            "no:xdist",
            "--hypothesis-show-statistics",
            "tests/hostile/test_fuzz.py",
        ],
        cwd=REPO,
        env=env,
        check=False,
    )
    seconds = time.monotonic() - started
    print(
        f"fuzz: {cases} cases in {seconds:.0f} s ({cases / seconds:.0f} cases/s), exit {result.returncode}"
    )
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
