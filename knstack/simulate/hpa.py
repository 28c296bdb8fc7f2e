"""The Kubernetes HorizontalPodAutoscaler controller (autoscaling/v2), as Knative's HPA
class renders it.

From k8s.io/kubernetes pkg/controller/podautoscaler: horizontal.go (a sync every 15 s,
`--horizontal-pod-autoscaler-sync-period`; stabilisation windows and scaling policies,
`normalizeDesiredReplicasWithBehaviors`) and replica_calculator.go (usage ratio against
the target, a 0.1 tolerance, pods not yet ready counted at zero usage when scaling up).
Defaults as pkg/apis/autoscaling/v2/defaults.go sets them: scale up without
stabilisation by the larger of 100% or 4 pods per 15 s; scale down after a 300 s
stabilisation window by up to 100% per 15 s. A Knative `window` annotation sets both
stabilisation windows (knative/serving pkg/reconciler/autoscaling/hpa/resources/hpa.go).

CPU is derived from the load: a pod serving at its concurrency limit uses all the CPU
it requests, and metrics-server reports the mean over the last 15 s.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

SYNC_SECONDS = 15
TOLERANCE = 0.1
METRIC_WINDOW_SECONDS = 15
DEFAULT_CPU_UTILIZATION = 80.0


@dataclass(frozen=True)
class HpaBehavior:
    scale_up_window: float = 0.0
    scale_down_window: float = 300.0
    scale_up_percent: float = 100.0
    scale_up_pods: int = 4
    scale_down_percent: float = 100.0
    period: float = 15.0


@dataclass(frozen=True)
class HpaSpec:
    min_replicas: int = 1
    max_replicas: int = 2147483647
    behavior: HpaBehavior = HpaBehavior()


class HpaController:
    """One HPA's replica decisions from a usage ratio (usage / target)."""

    def __init__(self, spec: HpaSpec) -> None:
        self.spec = spec
        self.recommendations: deque[tuple[float, int]] = deque()

    def replicas_for(self, ratio: float, ready: int, starting: int, current: int) -> int:
        """replica_calculator.go: within tolerance keep; scaling up, unready pods count at 0."""
        if ready == 0:
            return current
        if abs(ratio - 1.0) <= TOLERANCE:
            return current
        if ratio > 1.0 and starting:
            ratio = ratio * ready / (ready + starting)
            if abs(ratio - 1.0) <= TOLERANCE or ratio < 1.0:
                return current
            return math.ceil(ratio * (ready + starting))
        return math.ceil(ratio * ready)

    def normalize(self, now: float, proposed: int, current: int) -> int:
        """horizontal.go normalizeDesiredReplicasWithBehaviors: stabilise, then rate-limit."""
        b = self.spec.behavior
        self.recommendations.append((now, proposed))
        horizon = max(b.scale_up_window, b.scale_down_window)
        while self.recommendations and self.recommendations[0][0] < now - horizon:
            self.recommendations.popleft()
        up = min([r for t, r in self.recommendations if t >= now - b.scale_up_window] or [proposed])
        down = max(
            [r for t, r in self.recommendations if t >= now - b.scale_down_window] or [proposed]
        )
        stabilized = current
        if up > current:
            stabilized = up
        elif down < current:
            stabilized = down
        up_limit = max(
            math.ceil(current * (1 + b.scale_up_percent / 100.0)), current + b.scale_up_pods
        )
        down_limit = math.floor(current * (1 - b.scale_down_percent / 100.0))
        limited = min(max(stabilized, down_limit), up_limit)
        return min(max(limited, self.spec.min_replicas), self.spec.max_replicas)


class HpaModel:
    """HPA class on CPU utilisation (percent of the request)."""

    panicking = False

    def __init__(
        self, spec: HpaSpec, target_utilization: float, pod_concurrency: float, label: str = "hpa"
    ) -> None:
        self.label = label
        self.controller = HpaController(spec)
        self.target = target_utilization
        self.pod_concurrency = pod_concurrency
        self.last: int | None = None

    def desired(self, now: int, metrics, ready: int, current: int) -> int:  # type: ignore[no-untyped-def]
        if self.last is None:
            self.last = current
        if now % SYNC_SECONDS != 0 or now == 0:
            return self.last
        load = metrics.mean("concurrency", now, METRIC_WINDOW_SECONDS)
        utilization = 100.0 * load / (max(ready, 1) * self.pod_concurrency)
        proposed = self.controller.replicas_for(
            utilization / self.target, ready, current - ready, current
        )
        self.last = self.controller.normalize(float(now), proposed, current)
        return self.last
