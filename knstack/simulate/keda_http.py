"""The KEDA HTTP add-on: the interceptor counts requests, KEDA scales on them.

From kedacore/http-add-on (interceptor and scaler) and kedacore/keda
(pkg/scaling/executor/scale_scaledobjects.go): the interceptor holds requests while the
Deployment is at zero and reports its pending count (in flight plus queued) to the
add-on's external scaler; KEDA activates the Deployment (0 -> 1) as soon as the count is
above zero, and scales it back to zero once the count has stayed at zero for the
HTTPScaledObject's `scaledownPeriod` (knstack renders Knative's idle time plus grace,
knstack/expand/autoscaling/keda_http.py). Between one and max, the HPA KEDA makes scales
on the count as an External AverageValue metric (`hpa.HpaController`; no behavior, so the
controller's own 5-minute downscale stabilisation applies).
"""

from __future__ import annotations

from knstack.simulate.hpa import METRIC_WINDOW_SECONDS, SYNC_SECONDS, HpaController, Observation
from knstack.simulate.hpa_spec import ExternalTarget, HpaSpec

PENDING_METRIC = "s0-http-pending-requests"


def keda_http_spec(max_replicas: int, target_value: float) -> HpaSpec:
    """The HPA KEDA makes for the add-on's ScaledObject: min 1, the pending count only."""
    target = ExternalTarget(PENDING_METRIC, round(target_value * 1000))
    return HpaSpec(
        min_replicas=1, max_replicas=max_replicas, cpu_utilization=None, external=(target,)
    )


class KedaHttpModel:
    panicking = False

    def __init__(
        self,
        spec: HpaSpec,
        scaledown_period: float,
        min_replicas: int = 0,
        label: str = "keda-http",
    ) -> None:
        self.label = label
        self.controller = HpaController(spec)
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
        if self.last == 0:
            self.last = 1 if pending > 0 or self.min_replicas else 0
            return self.last
        if self.min_replicas == 0 and now - self.last_traffic >= self.scaledown_period:
            self.last = 0
            return 0
        if now % SYNC_SECONDS != 0:
            return self.last
        usage = metrics.mean("concurrency", now, METRIC_WINDOW_SECONDS)
        seen = Observation((0,) * ready, current - ready, {PENDING_METRIC: round(usage * 1000)})
        self.last = self.controller.sync(float(now), self.last, seen)
        return self.last
