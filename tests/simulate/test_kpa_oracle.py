"""knstack's KPA decider against Knative's own (knative.dev/serving v0.42.2
pkg/autoscaler/scaling), fed identical metric sequences: every tick must agree."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from knstack.simulate.engine import Metrics
from knstack.simulate.kpa import Decider, DeciderSpec, KpaModel, KpaSettings, ScalerBounds
from tests.simulate.oracle import run_decider

SPECS = {
    "defaults": DeciderSpec(),
    "scale-down-delay": DeciderSpec(scale_down_delay=30.0),
    "odd-delay": DeciderSpec(scale_down_delay=7.0, max_scale_down_rate=1.5),
    "activation-scale": DeciderSpec(activation_scale=3),
    "tbc-zero": DeciderSpec(target_burst_capacity=0.0),
    "tbc-always": DeciderSpec(target_burst_capacity=-1.0),
    "unreachable": DeciderSpec(reachable=False),
    "rps": DeciderSpec(scaling_metric="rps", target_value=140.0, total_value=200.0),
    "tight": DeciderSpec(
        target_value=7.0,
        total_value=10.0,
        panic_threshold=1.1,
        stable_window=6.0,
        max_scale_up_rate=1.5,
    ),
}


def _ticks(seed: int, count: int = 400) -> list[dict]:
    """Bursty metric sequences with idle stretches and sudden jumps, and ready counts
    that lag and sometimes drop to zero."""
    rng = np.random.default_rng(seed)
    level = rng.choice([0.0, 5.0, 40.0, 300.0, 2000.0], size=count // 20 + 1)
    stable = np.repeat(level, 20)[:count] * rng.uniform(0.5, 1.5, count)
    panic = stable * rng.choice([0.0, 0.5, 1.0, 3.0, 8.0], size=count)
    ready = np.maximum(0, np.round(stable / 70 + rng.integers(-2, 3, count))).astype(int)
    return [
        {
            "t": 2.0 * (i + 1),
            "stable": round(float(s), 3),
            "panic": round(float(p), 3),
            "ready": int(r),
        }
        for i, (s, p, r) in enumerate(zip(stable, panic, ready, strict=True))
    ]


def _python(spec: DeciderSpec, initial: int, ticks: list[dict]) -> list[dict]:
    decider = Decider(spec, initial)
    out = []
    for tick in ticks:
        d = decider.scale(tick["t"], tick["stable"], tick["panic"], tick["ready"])
        out.append({"desired": d.desired, "ebc": d.excess_burst_capacity, "valid": True})
    return out


def test_decider_matches_knative_on_every_tick() -> None:
    scenarios, expected = [], []
    for seed, (name, spec) in enumerate(sorted(SPECS.items())):
        for initial in (0, 1):
            ticks = _ticks(seed * 10 + initial)
            scenarios.append({"spec": spec.to_json(), "initialReady": initial, "ticks": ticks})
            expected.append((name, initial, _python(spec, initial, ticks)))
    # One decider created with several ready pods: it starts in panic mode.
    ticks = _ticks(99, 120)
    scenarios.append({"spec": SPECS["defaults"].to_json(), "initialReady": 3, "ticks": ticks})
    expected.append(("defaults", 3, _python(SPECS["defaults"], 3, ticks)))
    knative = run_decider(scenarios)
    assert len(knative) == len(expected)
    total = 0
    for (name, initial, ours), theirs in zip(expected, knative, strict=True):
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            assert a == b, f"{name} (initial ready {initial}), tick {i}: knstack {a}, Knative {b}"
            total += 1
    assert total > 5000


@pytest.mark.parametrize("pattern_seed", [1, 2])
def test_simulated_run_matches_knative(pattern_seed: int) -> None:
    """The metrics a simulation feeds the decider, replayed through Knative's decider."""
    from knstack.simulate.engine import PodShape, Prices, simulate
    from knstack.simulate.traces import synthetic

    seen: list[dict] = []
    spec = DeciderSpec(target_value=10.0, total_value=14.0, scale_down_delay=20.0)

    class Recording(Decider):
        def scale(self, now, stable, panic, ready):  # type: ignore[no-untyped-def]
            seen.append({"t": now, "stable": stable, "panic": panic, "ready": ready})
            return super().scale(now, stable, panic, ready)

    settings = KpaSettings(spec, ScalerBounds(), panic_window=6.0)
    model = KpaModel(settings, initial_pods=1)
    model.decider = Recording(spec, 1)
    trace = synthetic("bursty", pattern_seed, seconds=1800, rate=60.0)
    simulate(trace, model, PodShape(0.1, 0.125, 14.0, 10.0), Prices(1e-5, 1e-6), 0.2, 1)
    ours = _python(spec, 1, seen)
    theirs = run_decider([{"spec": spec.to_json(), "initialReady": 1, "ticks": seen}])[0]
    assert len(seen) > 800
    assert ours == theirs


def test_metrics_window_means() -> None:
    metrics = Metrics()
    for value in (1.0, 2.0, 3.0, 4.0):
        metrics.record(value, 10 * value)
    assert metrics.mean("concurrency", 3, 2) == 3.5
    assert metrics.mean("arrivals", 3, 60) == 25.0  # fewer seconds than the window so far
    assert replace(DeciderSpec(), reachable=False).to_json()["reachable"] is False
