"""Knative's own decider (tools/kpa-decider, built by scripts/bootstrap.sh tests)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DECIDER = REPO / ".tools" / "bin" / "kpa-decider"
HINT = "run scripts/bootstrap.sh tests once (it builds tools/kpa-decider from knative.dev/serving)"


def run_decider(scenarios: list[dict]) -> list[list[dict]]:
    """Each scenario's decisions from Knative's pkg/autoscaler/scaling."""
    assert DECIDER.is_file(), f"{DECIDER} is missing: {HINT}"
    text = "".join(json.dumps(s) + "\n" for s in scenarios)
    done = subprocess.run(
        [str(DECIDER)], input=text, capture_output=True, text=True, check=True, timeout=120
    )
    return [json.loads(line)["decisions"] for line in done.stdout.splitlines()]
