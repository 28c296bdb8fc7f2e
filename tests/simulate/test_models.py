"""Models against the upstream algorithms' documented behaviour, and property tests."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from knstack.simulate.engine import PodShape, Prices, simulate
from knstack.simulate.fixed import FixedModel
from knstack.simulate.hpa import HpaController, HpaModel, HpaSpec
from knstack.simulate.keda_http import KedaHttpModel
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
    hpa = HpaController(HpaSpec())
    assert hpa.replicas_for(1.05, ready=4, starting=0, current=4) == 4
    assert hpa.replicas_for(2.0, ready=4, starting=0, current=4) == 8
    assert hpa.replicas_for(2.0, ready=2, starting=2, current=4) == 4  # 2 x 2/4 = 1.0
    assert hpa.replicas_for(0.5, ready=4, starting=0, current=4) == 2


def test_hpa_default_behavior_limits_and_stabilises() -> None:
    # defaults.go: up by max(100%, 4 pods) per period; down only after 300 s of lower advice
    hpa = HpaController(HpaSpec(max_replicas=100))
    assert hpa.normalize(15.0, 50, current=2) == 6  # +4 pods beats +100% of 2
    assert hpa.normalize(30.0, 50, current=10) == 20
    assert hpa.normalize(45.0, 1, current=20) == 20  # 50 advised 30 s ago
    assert hpa.normalize(400.0, 1, current=20) == 1


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
    keda = KedaHttpModel(HpaSpec(), target_value=7.0, scaledown_period=90.0)
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
        autoscaler = kpa() if model == "kpa" else HpaModel(HpaSpec(), 80.0, POD.concurrency)
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
