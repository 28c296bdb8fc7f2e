"""Knative's KPA, decision for decision.

The decider is a port of knative/serving pkg/autoscaler/scaling/autoscaler.go (`Scale`,
module knative.dev/serving v0.42.2): 2 s ticks, stable and panic averages, max scale-up
and scale-down rates, the panic threshold and its one-stable-window hysteresis, the
panic-mode floor, activation-scale, scale-down delay (pkg/autoscaler/aggregation/max
timewindow.go) and the excess burst capacity that decides whether the activator stays in
the request path. tools/kpa-decider runs Knative's own package on the same inputs and
tests/simulate/test_kpa_oracle.py compares the two tick for tick.

Around it, `KpaScaler` applies what the PodAutoscaler reconciler does with a decision
(pkg/reconciler/autoscaling/kpa/scaler.go): min/max-scale bounds, initial-scale until
the revision first reaches it, and scale to zero only after the scale-to-zero grace
period (activator put in the path) and the last-pod retention period.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

TICK_SECONDS = 2.0  # pkg/autoscaler/scaling/multiscaler.go tickInterval


@dataclass(frozen=True)
class DeciderSpec:
    """pkg/autoscaler/scaling/multiscaler.go DeciderSpec (durations in seconds)."""

    max_scale_up_rate: float = 1000.0
    max_scale_down_rate: float = 2.0
    scaling_metric: str = "concurrency"
    target_value: float = 70.0
    total_value: float = 100.0
    target_burst_capacity: float = 211.0
    activator_capacity: float = 100.0
    panic_threshold: float = 2.0  # a ratio: panic-threshold-percentage / 100
    stable_window: float = 60.0
    scale_down_delay: float = 0.0
    initial_scale: int = 1
    reachable: bool = True
    activation_scale: int = 1

    def to_json(self) -> dict[str, object]:
        """The field names tools/kpa-decider reads."""
        return {
            "maxScaleUpRate": self.max_scale_up_rate,
            "maxScaleDownRate": self.max_scale_down_rate,
            "scalingMetric": self.scaling_metric,
            "targetValue": self.target_value,
            "totalValue": self.total_value,
            "targetBurstCapacity": self.target_burst_capacity,
            "activatorCapacity": self.activator_capacity,
            "panicThreshold": self.panic_threshold,
            "stableWindow": self.stable_window,
            "scaleDownDelay": self.scale_down_delay,
            "initialScale": self.initial_scale,
            "reachable": self.reachable,
            "activationScale": self.activation_scale,
        }


@dataclass(frozen=True)
class Decision:
    desired: int
    excess_burst_capacity: int
    panicking: bool


class MaxTimeWindow:
    """pkg/autoscaler/aggregation/max/timewindow.go: the largest value recorded in the last
    ceil(duration / granularity) buckets, a bucket being a Unix time divided by granularity."""

    def __init__(self, duration: float, granularity: float) -> None:
        self.size = math.ceil(duration / granularity)
        self.granularity = int(granularity)
        self.maxima: deque[tuple[int, int]] = deque()  # (bucket, value), values descending

    def record(self, now: float, value: int) -> None:
        index = int(now) // self.granularity
        while self.maxima and value >= self.maxima[-1][1]:
            self.maxima.pop()
        while self.maxima and index - self.maxima[0][0] >= self.size:
            self.maxima.popleft()
        if self.maxima and self.maxima[-1][0] == index:
            value = max(value, self.maxima.pop()[1])
        self.maxima.append((index, value))

    def current(self) -> int:
        return self.maxima[0][1]


def _go_int32(value: float) -> int:
    """Go's int32(float64) for the values the decider produces (finite, in range)."""
    return int(value)


class Decider:
    """One revision's decider; `scale` is called every tick with the observed metrics."""

    def __init__(self, spec: DeciderSpec, ready_at_start: int, start: float = 0.0) -> None:
        self.spec = spec
        # newAutoscaler: more than one ready pod at creation starts in panic mode.
        self.panic_time: float | None = start if ready_at_start > 1 else None
        self.max_panic_pods = ready_at_start
        self.delay = (
            MaxTimeWindow(spec.scale_down_delay, TICK_SECONDS)
            if spec.scale_down_delay > 0
            else None
        )

    def scale(self, now: float, stable: float, panic: float, ready: int) -> Decision:
        spec = self.spec
        ready_f = max(1.0, float(ready))
        max_up = math.ceil(spec.max_scale_up_rate * ready_f)
        max_down = math.floor(ready_f / spec.max_scale_down_rate) if spec.reachable else 0.0
        dspc = math.ceil(stable / spec.target_value)
        dppc = math.ceil(panic / spec.target_value)
        desired_stable = _go_int32(min(max(dspc, max_down), max_up))
        desired_panic = _go_int32(min(max(dppc, max_down), max_up))
        if spec.activation_scale > 1:
            if dspc > 0 and spec.activation_scale > desired_stable:
                desired_stable = spec.activation_scale
            if dppc > 0 and spec.activation_scale > desired_panic:
                desired_panic = spec.activation_scale
        over = dppc / ready_f >= spec.panic_threshold
        if over:
            self.panic_time = now
        elif self.panic_time is not None and self.panic_time + spec.stable_window < now:
            self.panic_time = None
            self.max_panic_pods = 0
        desired = desired_stable
        if self.panic_time is not None:
            desired = max(desired, desired_panic)
            self.max_panic_pods = max(self.max_panic_pods, desired)
            desired = self.max_panic_pods
        if self.delay is not None:
            self.delay.record(now, desired)
            desired = self.delay.current()
        if spec.target_burst_capacity == 0:
            excess = 0.0
        elif spec.target_burst_capacity > 0:
            capacity = ready * spec.total_value
            excess = math.floor(capacity - spec.target_burst_capacity - panic)
        else:
            excess = -1.0
        return Decision(desired, int(excess), self.panic_time is not None)


@dataclass(frozen=True)
class ScalerBounds:
    """What the PodAutoscaler reconciler adds to a decision (seconds for periods)."""

    min_scale: int = 0
    max_scale: int = 0  # 0: unlimited
    initial_scale: int = 1
    enable_scale_to_zero: bool = True
    scale_to_zero_grace_period: float = 30.0
    scale_to_zero_pod_retention_period: float = 0.0


class KpaScaler:
    """pkg/reconciler/autoscaling/kpa/scaler.go `scale` and `handleScaleToZero`."""

    def __init__(self, bounds: ScalerBounds) -> None:
        self.bounds = bounds
        self.initialized = bounds.initial_scale <= 1
        self.zero_since: float | None = None  # when the decider first asked for zero
        self.last_active = 0.0

    def apply(self, now: float, desired: int, ready: int, current: int) -> int:
        b = self.bounds
        if not self.initialized and ready >= b.initial_scale:
            self.initialized = True
        low = b.min_scale if self.initialized else max(b.min_scale, b.initial_scale)
        scale = max(desired, low)
        if b.max_scale:
            scale = min(scale, b.max_scale)
        if scale != 0:
            self.zero_since = None
            self.last_active = now
            return scale
        if not b.enable_scale_to_zero:
            return 1
        if self.zero_since is None:
            # Inactive: the activator goes into the path; pods stay for the grace period.
            self.zero_since = now
        waited = now - self.zero_since
        retained = now - self.last_active
        if (
            waited >= b.scale_to_zero_grace_period
            and retained >= b.scale_to_zero_pod_retention_period
        ):
            return 0
        return max(current, 1) if current else 0


@dataclass(frozen=True)
class KpaSettings:
    decider: DeciderSpec
    bounds: ScalerBounds
    panic_window: float  # seconds: stable window x panic-window-percentage / 100


class KpaModel:
    """The decider every 2 s on the metric's stable and panic means, then the scaler.

    Knative's metric collector averages per-second buckets over each window
    (pkg/autoscaler/metrics/collector.go); the activator pokes the autoscaler as soon as
    a request reaches a revision at zero (pkg/autoscaler/scaling/multiscaler.go Poke),
    so scaling from zero does not wait for the next tick.
    """

    def __init__(self, settings: KpaSettings, label: str = "kpa", initial_pods: int = 1) -> None:
        self.label = label
        self.settings = settings
        self.decider = Decider(settings.decider, initial_pods)
        self.scaler = KpaScaler(settings.bounds)
        self.last = initial_pods
        self.activator_in_path = False

    @property
    def panicking(self) -> bool:
        return self.decider.panic_time is not None

    def desired(self, now: int, metrics, ready: int, current: int) -> int:  # type: ignore[no-untyped-def]
        poke = current == 0 and metrics.mean("arrivals", now, 1) > 0
        if now % TICK_SECONDS != 0 and not poke:
            return self.last
        spec = self.settings.decider
        series = "arrivals" if spec.scaling_metric == "rps" else "concurrency"
        stable = metrics.mean(series, now, spec.stable_window)
        panic = metrics.mean(series, now, self.settings.panic_window)
        decision = self.decider.scale(float(now), stable, panic, ready)
        self.activator_in_path = decision.excess_burst_capacity < 0
        self.last = self.scaler.apply(float(now), decision.desired, ready, current)
        return self.last
