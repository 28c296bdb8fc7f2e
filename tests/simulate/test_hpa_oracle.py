"""knstack's HPA controller model against the Kubernetes controller's own decision code
(k8s.io/kubernetes v1.37.2 pkg/controller/podautoscaler, tools/hpa-controller), fed the
same HPA specs and the same pods, CPU samples and external metric values: every sync
must agree."""

from __future__ import annotations

from typing import Any

import numpy as np

from knstack.simulate.hpa import REQUEST_MILLI, HpaController, HpaModel, Observation
from knstack.simulate.hpa_spec import hpa_spec
from tests.simulate.oracle import run_hpa_controller

CPU = {
    "type": "Resource",
    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
}
CRON = {
    "type": "External",
    "external": {
        "metric": {"name": "s0-cron"},
        "target": {"type": "AverageValue", "averageValue": "1"},
    },
}
PENDING = {
    "type": "External",
    "external": {
        "metric": {"name": "pending"},
        "target": {"type": "AverageValue", "averageValue": "7"},
    },
}

SPECS: dict[str, dict[str, Any]] = {
    "no behavior, default metric": {"maxReplicas": 40},
    "no behavior, cpu": {"minReplicas": 2, "maxReplicas": 30, "metrics": [CPU]},
    "knative window 60s": {
        "maxReplicas": 50,
        "metrics": [CPU],
        "behavior": {
            "scaleUp": {"stabilizationWindowSeconds": 60},
            "scaleDown": {"stabilizationWindowSeconds": 60},
        },
    },
    "defaulted behavior": {"maxReplicas": 50, "metrics": [CPU], "behavior": {}},
    "slow policies": {
        "minReplicas": 1,
        "maxReplicas": 60,
        "metrics": [CPU],
        "behavior": {
            "scaleUp": {
                "policies": [
                    {"type": "Pods", "value": 2, "periodSeconds": 60},
                    {"type": "Percent", "value": 50, "periodSeconds": 30},
                ]
            },
            "scaleDown": {
                "stabilizationWindowSeconds": 45,
                "policies": [{"type": "Pods", "value": 1, "periodSeconds": 30}],
            },
        },
    },
    "min select": {
        "maxReplicas": 60,
        "metrics": [CPU],
        "behavior": {
            "scaleUp": {
                "selectPolicy": "Min",
                "policies": [
                    {"type": "Pods", "value": 3, "periodSeconds": 45},
                    {"type": "Percent", "value": 100, "periodSeconds": 15},
                ],
            },
            "scaleDown": {
                "selectPolicy": "Min",
                "policies": [
                    {"type": "Percent", "value": 30, "periodSeconds": 60},
                    {"type": "Pods", "value": 5, "periodSeconds": 15},
                ],
            },
        },
    },
    "scale-down disabled": {
        "maxReplicas": 25,
        "metrics": [CPU],
        "behavior": {"scaleDown": {"selectPolicy": "Disabled"}},
    },
    "schedule plus cpu": {"minReplicas": 1, "maxReplicas": 30, "metrics": [CRON, CPU]},
    "keda http": {"minReplicas": 1, "maxReplicas": 40, "metrics": [PENDING]},
}


def _syncs(seed: int, count: int = 240) -> list[dict[str, Any]]:
    """Bursty CPU with lagging pods: the scale's replicas wander, some pods are not ready,
    sometimes none is; external values switch on and off."""
    rng = np.random.default_rng(seed)
    out = []
    current = 3
    for i in range(count):
        current = int(max(0 if rng.random() < 0.02 else 1, min(45, current + rng.integers(-3, 4))))
        unready = int(rng.integers(0, 3)) if rng.random() < 0.4 else 0
        ready = max(0, current - unready + int(rng.integers(-1, 2)))
        level = rng.choice([0.05, 0.3, 0.69, 0.75, 0.9, 1.0])
        usage = [int(REQUEST_MILLI * min(1.0, level * rng.uniform(0.8, 1.2))) for _ in range(ready)]
        external = {
            "s0-cron": int(rng.choice([0, 5000, 12000])),
            "pending": int(rng.integers(0, 300_000)),
        }
        out.append(
            {
                "t": 15 * (i + 1),
                "current": current,
                "ready": usage,
                "unready": unready,
                "external": external,
            }
        )
    return out


def _python(spec: dict[str, Any], syncs: list[dict[str, Any]]) -> list[int]:
    controller = HpaController(hpa_spec(spec))
    return [
        controller.sync(
            s["t"], s["current"], Observation(tuple(s["ready"]), s["unready"], s["external"])
        )
        for s in syncs
    ]


def test_controller_matches_kubernetes_on_every_sync() -> None:
    scenarios, expected = [], []
    for seed, (name, spec) in enumerate(sorted(SPECS.items())):
        for run in range(3):
            syncs = _syncs(seed * 10 + run)
            scenarios.append({"hpa": {"spec": spec}, "requestMilli": REQUEST_MILLI, "syncs": syncs})
            expected.append((name, run, syncs, _python(spec, syncs)))
    kubernetes = run_hpa_controller(scenarios)
    assert len(kubernetes) == len(expected)
    total = changed = 0
    for (name, run, syncs, ours), theirs in zip(expected, kubernetes, strict=True):
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert a == b["desired"], (
                f"{name} run {run}, sync {i} ({syncs[i]}): knstack {a}, Kubernetes {b}"
            )
            total += 1
            changed += a != syncs[i]["current"]
    assert total > 6000
    assert changed > total // 4  # the sequences make the controller act, not only hold


def test_simulated_run_matches_kubernetes() -> None:
    """The pods and CPU samples a simulation feeds its HPA, replayed through Kubernetes'."""
    from knstack.simulate.engine import PodShape, Prices, simulate
    from knstack.simulate.traces import synthetic

    spec = {
        "maxReplicas": 30,
        "metrics": [CPU],
        "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}},
    }
    seen: list[dict[str, Any]] = []

    class Recording(HpaController):
        def sync(self, now: float, current: int, observed: Observation) -> int:
            seen.append(
                {
                    "t": now,
                    "current": current,
                    "ready": list(observed.ready),
                    "unready": observed.unready,
                    "external": {},
                }
            )
            return super().sync(now, current, observed)

    model = HpaModel(hpa_spec(spec), pod_concurrency=10.0)
    model.controller = Recording(hpa_spec(spec))
    trace = synthetic("bursty", 3, seconds=3600, rate=80.0)
    run = simulate(trace, model, PodShape(0.1, 0.125, 10.0, 20.0), Prices(1e-5, 1e-6), 0.2, 1)
    theirs = run_hpa_controller(
        [{"hpa": {"spec": spec}, "requestMilli": REQUEST_MILLI, "syncs": seen}]
    )[0]
    assert len(seen) == 3600 // 15 - 1
    assert run.timeline.desired.max() > 2
    assert _python(spec, seen) == [d["desired"] for d in theirs]
