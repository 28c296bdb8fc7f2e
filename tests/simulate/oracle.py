"""The upstream autoscalers as judges, built by scripts/bootstrap.sh tests: Knative's own
decider (tools/kpa-decider) and the Kubernetes HPA controller's decisions
(tools/hpa-controller)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DECIDER = REPO / ".tools" / "bin" / "kpa-decider"
HPA_CONTROLLER = REPO / ".tools" / "bin" / "hpa-controller"
HINT = "run scripts/bootstrap.sh tests once (it builds tools/kpa-decider and tools/hpa-controller)"


def run_decider(scenarios: list[dict]) -> list[list[dict]]:
    """Each scenario's decisions from Knative's pkg/autoscaler/scaling."""
    assert DECIDER.is_file(), f"{DECIDER} is missing: {HINT}"
    text = "".join(json.dumps(s) + "\n" for s in scenarios)
    done = subprocess.run(
        [str(DECIDER)], input=text, capture_output=True, text=True, check=True, timeout=120
    )
    return [json.loads(line)["decisions"] for line in done.stdout.splitlines()]


def run_hpa_controller(scenarios: list[dict]) -> list[list[dict]]:
    """Each scenario's sync decisions from k8s.io/kubernetes pkg/controller/podautoscaler."""
    assert HPA_CONTROLLER.is_file(), f"{HPA_CONTROLLER} is missing: {HINT}"
    text = "".join(json.dumps(s) + "\n" for s in scenarios)
    done = subprocess.run(
        [str(HPA_CONTROLLER)], input=text, capture_output=True, text=True, check=True, timeout=120
    )
    return [json.loads(line)["decisions"] for line in done.stdout.splitlines()]
