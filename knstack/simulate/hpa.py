"""The Kubernetes HorizontalPodAutoscaler controller (autoscaling/v2), sync for sync.

From k8s.io/kubernetes pkg/controller/podautoscaler (v1.37): horizontal.go
(`reconcileAutoscaler`: a sync every 15 s, `--horizontal-pod-autoscaler-sync-period`; the
proposals of all metrics, the highest wins; `normalizeDesiredReplicas` without a behavior,
`normalizeDesiredReplicasWithBehaviors` with one: stabilisation over recorded
recommendations, then scaling policies over recorded scale events) and
replica_calculator.go (CPU utilisation in whole percent of the requests, a 0.1 tolerance,
pods not yet ready counted at zero usage when scaling up; External AverageValue metrics
against the pods that exist). tools/hpa-controller runs that package on the same inputs
and tests/simulate/test_hpa_oracle.py compares them sync by sync.

CPU is derived from the load: a pod uses its CPU request in proportion to the share of
its concurrency that is busy, never more than its request, and metrics-server reports
the mean over the last 15 s.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from knstack.simulate.hpa_spec import DOWNSCALE_STABILIZATION_SECONDS, HpaSpec, ScalingRules

SYNC_SECONDS = 15
TOLERANCE = 0.1
METRIC_WINDOW_SECONDS = 15
REQUEST_MILLI = 1000  # CPU usage is simulated as a share of the request; its size cancels out
MAX_INT32 = 2147483647
_UP_LIMIT_FACTOR, _UP_LIMIT_MINIMUM = 2.0, 4.0  # horizontal.go scaleUpLimitFactor/Minimum


class NoMetrics(Exception):
    """The controller could not compute a proposal; it leaves the scale as it is."""


@dataclass(frozen=True)
class Observation:
    """What one sync reads: the pods (CPU usage in millicores per ready pod, pods not
    ready yet) and the external metrics' values in thousandths."""

    ready: tuple[int, ...]
    unready: int = 0
    external: dict[str, int] = field(default_factory=dict)


def _within(ratio: float) -> bool:
    return (1.0 - TOLERANCE) <= ratio <= (1.0 + TOLERANCE)


def cpu_proposal(target: int, current: int, seen: Observation) -> int:
    """ReplicaCalculator.GetResourceReplicas with every pod's request REQUEST_MILLI."""
    if not seen.ready:
        raise NoMetrics("did not receive metrics for targeted pods (pods might be unready)")
    ready = len(seen.ready)
    utilization = sum(seen.ready) * 100 // (REQUEST_MILLI * ready)
    ratio = utilization / target
    if not (seen.unready and ratio > 1.0):
        return current if _within(ratio) else math.ceil(ratio * ready)
    counted = ready + seen.unready  # unready pods at 0% on a scale-up
    new_ratio = (sum(seen.ready) * 100 // (REQUEST_MILLI * counted)) / target
    if _within(new_ratio) or new_ratio < 1.0:
        return current
    replicas = math.ceil(new_ratio * counted)
    return current if replicas < current else replicas


def external_proposal(target_milli: int, usage: int, status_replicas: int) -> int:
    """ReplicaCalculator.GetExternalPerPodMetricReplicas."""
    if status_replicas:
        ratio = usage / (target_milli * status_replicas)
    else:
        ratio = math.inf if usage else math.nan
    if _within(ratio):
        return status_replicas
    return min(MAX_INT32, math.ceil(usage / target_milli))


@dataclass
class _Stamped:
    at: float
    value: int
    outdated: bool = False


class HpaController:
    """One HPA: its recorded recommendations and scale events, as horizontal.go keeps them."""

    def __init__(self, spec: HpaSpec) -> None:
        self.spec = spec
        self.recommendations: list[_Stamped] | None = None
        self.scale_ups: list[_Stamped] = []
        self.scale_downs: list[_Stamped] = []

    def sync(self, now: float, current: int, seen: Observation) -> int:
        """The replica count one sync writes (reconcileAutoscaler)."""
        if self.recommendations is None:
            self.recommendations = [_Stamped(now, current)]  # recordInitialRecommendation
        spec = self.spec
        if current == 0:
            return 0  # scaling is disabled while the target is at zero
        if current > spec.max_replicas:
            desired = spec.max_replicas
        elif current < spec.min_replicas:
            desired = spec.min_replicas
        else:
            try:
                proposal = self.proposal(current, seen)
            except NoMetrics:
                return current
            if spec.behavior is None:
                desired = self._normalize(now, current, proposal)
            else:
                desired = self._normalize_with_behavior(now, current, proposal)
        if desired != current and spec.behavior is not None:
            self._store_event(now, current, desired)
        return desired

    def proposal(self, current: int, seen: Observation) -> int:
        """computeReplicasForMetrics: the highest proposal; an error when every metric
        failed, or when one failed and the others would scale down."""
        proposals: list[int] = []
        failed = 0
        status_replicas = len(seen.ready) + seen.unready
        if self.spec.cpu_utilization is not None:
            try:
                proposals.append(cpu_proposal(self.spec.cpu_utilization, current, seen))
            except NoMetrics:
                failed += 1
        for target in self.spec.external:
            if target.name in seen.external:
                usage = seen.external[target.name]
                proposals.append(external_proposal(target.average_milli, usage, status_replicas))
            else:
                failed += 1
        replicas = max(proposals, default=0)
        if not proposals or (failed and replicas < current):
            raise NoMetrics("invalid metrics")
        return replicas

    def _normalize(self, now: float, current: int, proposal: int) -> int:
        """normalizeDesiredReplicas: the highest recommendation of the downscale window,
        then at most max(2 x current, 4) and within min/max."""
        recs = self.recommendations or []
        cutoff = now - DOWNSCALE_STABILIZATION_SECONDS
        stabilized = proposal
        old = None
        for i, rec in enumerate(recs):
            if rec.at <= cutoff:
                old = i
            elif rec.value > stabilized:
                stabilized = rec.value
        self._record(old, now, proposal)
        up_limit = int(max(_UP_LIMIT_FACTOR * current, _UP_LIMIT_MINIMUM))
        maximum = min(self.spec.max_replicas, up_limit)
        if stabilized < self.spec.min_replicas:
            return self.spec.min_replicas
        return min(stabilized, maximum)

    def _record(self, old: int | None, now: float, proposal: int) -> None:
        recs = self.recommendations if self.recommendations is not None else []
        if old is None:
            recs.append(_Stamped(now, proposal))
        else:
            recs[old] = _Stamped(now, proposal)
        self.recommendations = recs

    def _normalize_with_behavior(self, now: float, current: int, proposal: int) -> int:
        """stabilizeRecommendationWithBehaviors, then convertDesiredReplicasWithBehaviorRate."""
        behavior = self.spec.behavior
        assert behavior is not None
        up_cut = now - behavior.scale_up.window
        down_cut = now - behavior.scale_down.window
        up, down, old = proposal, proposal, None
        for i, rec in enumerate(self.recommendations or []):
            if rec.at > up_cut:
                up = min(up, rec.value)
            if rec.at > down_cut:
                down = max(down, rec.value)
            if rec.at <= up_cut and rec.at <= down_cut:
                old = i
        self._record(old, now, proposal)
        stabilized = min(max(current, up), down)
        if stabilized > current:
            limit = max(current, self._limit(now, current, behavior.scale_up, up=True))
            return min(stabilized, self.spec.max_replicas, limit)
        if stabilized < current:
            limit = min(current, self._limit(now, current, behavior.scale_down, up=False))
            return max(stabilized, self.spec.min_replicas, limit)
        return stabilized

    def _limit(self, now: float, current: int, rules: ScalingRules, up: bool) -> int:
        """calculateScaleUpLimitWithScalingRules / calculateScaleDownLimitWithBehaviors."""
        if rules.select == "Disabled":
            return current
        pick = (
            (max if rules.select != "Min" else min)
            if up
            else (min if rules.select != "Min" else max)
        )
        result: int | None = None
        for policy in rules.policies:
            added = sum(e.value for e in self.scale_ups if e.at > now - policy.period)
            removed = sum(e.value for e in self.scale_downs if e.at > now - policy.period)
            start = current - added + removed
            if policy.kind == "Pods":
                proposed = start + policy.value if up else start - policy.value
            elif up:
                proposed = math.ceil(start * (1 + policy.value / 100))
            else:
                proposed = int(start * (1 - policy.value / 100))
            result = proposed if result is None else pick(result, proposed)
        if result is None:  # no policies: the int32 extreme the loop starts from
            return -MAX_INT32 - 1 if (up == (rules.select != "Min")) else MAX_INT32
        return result

    def _store_event(self, now: float, previous: int, desired: int) -> None:
        """storeScaleEvent: reuse the slot of an event older than the longest policy period."""
        assert self.spec.behavior is not None
        if desired > previous:
            events, rules = self.scale_ups, self.spec.behavior.scale_up
        else:
            events, rules = self.scale_downs, self.spec.behavior.scale_down
        old = None
        for i, event in enumerate(events):
            if event.at <= now - rules.longest_period:
                event.outdated = True
            if event.outdated:
                old = i
        new = _Stamped(now, abs(desired - previous))
        if old is None:
            events.append(new)
        else:
            events[old] = new


class HpaModel:
    """An HPA on CPU utilisation (and external metrics the subclass feeds)."""

    panicking = False

    def __init__(self, spec: HpaSpec, pod_concurrency: float, label: str = "hpa") -> None:
        self.label = label
        self.controller = HpaController(spec)
        self.pod_concurrency = pod_concurrency
        self.last: int | None = None

    def external(self, now: int) -> dict[str, int]:
        return {}

    def desired(self, now: int, metrics, ready: int, current: int) -> int:  # type: ignore[no-untyped-def]
        if self.last is None:
            self.last = current
        if now % SYNC_SECONDS != 0 or now == 0:
            return self.last
        load = metrics.mean("concurrency", now, METRIC_WINDOW_SECONDS)
        busy = min(1.0, load / (ready * self.pod_concurrency)) if ready else 0.0
        usage = int(REQUEST_MILLI * busy)
        seen = Observation((usage,) * ready, current - ready, self.external(now))
        self.last = self.controller.sync(float(now), self.last, seen)
        return self.last
