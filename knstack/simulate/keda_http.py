"""The KEDA HTTP add-on: the interceptor counts requests, KEDA scales on them.

From kedacore/http-add-on (interceptor and scaler) and kedacore/keda
(pkg/scaling/executor/scale_scaledobjects.go): the interceptor holds requests while the
Deployment is at zero and reports its pending count (in flight plus queued) to the
add-on's external scaler; KEDA activates the Deployment (0 -> 1) as soon as the count is
above zero, and scales it back to zero once the count has stayed at zero for the
HTTPScaledObject's `scaledownPeriod` (knstack renders Knative's idle time plus grace,
knstack/expand/autoscaling/keda_http.py). Between one and max, KEDA's HPA scales on
the count as an AverageValue target (replica_calculator.go: replicas = ceil(usage /
target) outside the 0.1 tolerance), with the HPA defaults of `hpa.HpaBehavior`.
"""

from __future__ import annotations

import math

from knstack.simulate.hpa import METRIC_WINDOW_SECONDS, SYNC_SECONDS, HpaController, HpaSpec


class KedaHttpModel:
    panicking = False

    def __init__(
        self,
        spec: HpaSpec,
        target_value: float,
        scaledown_period: float,
        min_replicas: int = 0,
        label: str = "keda-http",
    ) -> None:
        self.label = label
        self.controller = HpaController(spec)
        self.target = target_value
        self.scaledown_period = scaledown_period
        self.min_replicas = min_replicas
        self.last: int | None = None
        self.last_traffic = 0.0

    def desired(self, now: int, metrics, ready: int, current: int) -> int:  # type: ignore[no-untyped-def]
        if self.last is None:
            self.last = current
        pending = metrics.mean("concurrency", now, 1)
        if pending > 0:
            self.last_traffic = now
        if current == 0:
            self.last = 1 if pending > 0 or self.min_replicas else 0
            return self.last
        if self.min_replicas == 0 and now - self.last_traffic >= self.scaledown_period:
            self.last = 0
            return 0
        if now % SYNC_SECONDS != 0:
            return self.last
        usage = metrics.mean("concurrency", now, METRIC_WINDOW_SECONDS)
        ratio = usage / (self.target * max(ready, 1))
        proposed = current if abs(ratio - 1) <= 0.1 else math.ceil(usage / self.target)
        self.last = self.controller.normalize(float(now), max(proposed, 1), current)
        return self.last
