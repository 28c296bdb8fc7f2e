"""Models against the upstream algorithms' documented behaviour, and property tests."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from knstack.simulate.engine import PodShape, Prices, simulate
from knstack.simulate.fixed import FixedModel
from knstack.simulate.hpa import HpaController, HpaModel, Observation, cpu_proposal
from knstack.simulate.hpa_spec import HpaSpec, hpa_spec
from knstack.simulate.keda_http import KedaHttpModel, keda_http_spec
from knstack.simulate.kpa import DeciderSpec, KpaModel, KpaSettings, MaxTimeWindow, ScalerBounds
from knstack.simulate.traces import synthetic

POD = PodShape(cpu=0.1, memory_gib=0.125, concurrency=10.0, startup=5.0)
PRICES = Prices(1e-5, 1e-6)


def kpa(min_scale: int = 0, max_scale: int = 0, target: float = 7.0) -> KpaModel:
    spec = DeciderSpec(target_value=target, total_value=target / 0.7, stable_window=60.0)
    bounds = ScalerBounds(min_scale=min_scale, max_scale=max_scale)
    return KpaModel(KpaSettings(spec, bounds, panic_window=6.0), initial_pods=max(1, min_scale))


def test_hpa_tolerance_and_unready_pods() -> None:
    # replica_calculator.go: within 10% nothing changes; unready pods count at zero usage
    def seen(usage: int, ready: int, unready: int = 0) -> Observation:
        return Observation((usage,) * ready, unready)

    assert cpu_proposal(50, 4, seen(520, 4)) == 4  # 104% of target: within tolerance
    assert cpu_proposal(50, 4, seen(1000, 4)) == 8
    assert cpu_proposal(50, 4, seen(1000, 2, 2)) == 4  # 2 x 2/4 = 1.0
    assert cpu_proposal(80, 4, seen(400, 4)) == 2
    assert cpu_proposal(80, 4, seen(799, 4)) == 4  # 79% in whole percent: 0.9875


def test_hpa_without_behavior_limits_and_stabilises() -> None:
    # horizontal.go normalizeDesiredReplicas: up to max(2 x current, 4); down only after
    # five minutes of lower recommendations
    hpa = HpaController(HpaSpec(max_replicas=100, cpu_utilization=10))
    assert hpa.sync(15.0, 2, Observation((1000, 1000))) == 4  # wants 20, +2 pods beats x2
    assert hpa.sync(30.0, 10, Observation((1000,) * 10)) == 20
    # the highest recommendation of the last five minutes (100, 15 s ago) still rules,
    # doubled at most: without a behavior a quiet sync can even scale up
    assert hpa.sync(45.0, 20, Observation((10,) * 20)) == 40
    assert hpa.sync(400.0, 20, Observation((10,) * 20)) == 2


def test_hpa_behavior_policies_count_earlier_changes() -> None:
    # horizontal.go calculateScaleUpLimitWithScalingRules: a policy's period counts the
    # pods already added in it (defaults.go: 4 pods or 100% per 15 s)
    cpu = {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 10}}
    spec = hpa_spec(
        {
            "maxReplicas": 100,
            "metrics": [{"type": "Resource", "resource": cpu}],
            "behavior": {
                "scaleUp": {"policies": [{"type": "Pods", "value": 2, "periodSeconds": 60}]}
            },
        }
    )
    hpa = HpaController(spec)
    assert hpa.sync(15.0, 2, Observation((1000, 1000))) == 4
    assert hpa.sync(30.0, 4, Observation((1000,) * 4)) == 4  # 2 added in the last 60 s
    assert hpa.sync(90.0, 4, Observation((1000,) * 4)) == 6


def test_max_time_window_keeps_the_largest_recent_value() -> None:
    window = MaxTimeWindow(10.0, 2.0)  # five 2 s buckets
    for now, value in ((0, 5), (2, 3), (4, 1)):
        window.record(now, value)
    assert window.current() == 5
    window.record(10, 2)
    assert window.current() == 3  # bucket 0 left the window


def test_kpa_scales_to_zero_after_window_and_grace() -> None:
    trace = np.zeros(400)
    trace[:30] = 20.0
    run = simulate(trace, kpa(), POD, PRICES, 0.2, 1)
    ready = run.timeline.ready
    last_traffic = 29
    zero_at = int(np.argmax(ready == 0))
    # stable window (60 s) of zero concurrency, then the 30 s grace period
    assert last_traffic + 60 + 30 <= zero_at <= last_traffic + 60 + 30 + 4


def test_cold_start_waits_for_startup() -> None:
    trace = np.zeros(300)
    trace[200] = 5.0
    model = kpa()
    run = simulate(trace, model, POD, PRICES, 0.2, 0)
    assert run.queue.cold_starts == 5.0
    assert run.queue.percentile(99) == POD.startup  # served when the pod is ready


def test_fixed_and_keda_http() -> None:
    trace = synthetic("idle-then-burst", 3, seconds=3000, rate=50.0)
    fixed = simulate(trace, FixedModel(2), POD, PRICES, 0.2, 2)
    assert set(fixed.timeline.billed.tolist()) == {2}
    keda = KedaHttpModel(keda_http_spec(100, 7.0), scaledown_period=90.0)
    run = simulate(trace, keda, POD, PRICES, 0.2, 0)
    assert run.timeline.billed.min() == 0 and run.timeline.billed.max() > 1
    assert run.queue.cold_starts > 0


@settings(max_examples=15, deadline=None)
@given(
    base=st.floats(1.0, 200.0),
    extra=st.floats(1.0, 300.0),
    model=st.sampled_from(["kpa", "hpa"]),
)
def test_more_traffic_never_fewer_pods_at_steady_state(
    base: float, extra: float, model: str
) -> None:
    def steady_pods(rate: float) -> int:
        autoscaler = (
            kpa() if model == "kpa" else HpaModel(HpaSpec(cpu_utilization=80), POD.concurrency)
        )
        run = simulate(np.full(900, rate), autoscaler, POD, PRICES, 0.2, 1)
        return int(run.timeline.desired[-1])

    assert steady_pods(base + extra) >= steady_pods(base)


@settings(max_examples=15, deadline=None)
@given(
    low=st.integers(0, 3),
    span=st.integers(0, 4),
    seed=st.integers(0, 10_000),
    pattern=st.sampled_from(["spike", "bursty", "idle-then-burst"]),
)
def test_min_and_max_scale_never_violated(low: int, span: int, seed: int, pattern: str) -> None:
    high = max(1, low + span)
    trace = synthetic(pattern, seed, seconds=1200, rate=80.0)
    run = simulate(trace, kpa(min_scale=low, max_scale=high), POD, PRICES, 0.2, max(1, low))
    assert run.timeline.desired.max() <= high
    assert run.timeline.desired.min() >= low


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**31), pattern=st.sampled_from(["steady", "diurnal", "bursty"]))
def test_same_seed_same_output(seed: int, pattern: str) -> None:
    a = synthetic(pattern, seed, seconds=600)
    b = synthetic(pattern, seed, seconds=600)
    assert a.tobytes() == b.tobytes()
    ra = simulate(a, kpa(), POD, PRICES, 0.2, 1)
    rb = simulate(b, kpa(), POD, PRICES, 0.2, 1)
    assert ra.timeline.desired.tobytes() == rb.timeline.desired.tobytes()
    assert ra.queue.waits == rb.queue.waits
