"""KPA class on the KEDA HTTP add-on: an HTTPScaledObject per request-driven revision.

Knative's KPA scales on in-flight requests (or requests per second) measured by the
queue-proxy and the activator, and holds requests while a revision scales from zero.
The KEDA HTTP add-on does the same with its interceptor: the gateway sends the
revision's share of traffic to the interceptor, which counts it, holds requests while
KEDA scales the Deployment from zero, and forwards them to the revision's Service.

The interceptor picks the revision by the request's host. When two revisions that it
scales share a host (a split, or tag-header routing), the gateway also sets the header
Knative sets on every split, `Knative-Serving-Revision: <revision>`, and the revision's
HTTPScaledObject matches on it.

Targets follow Knative's autoscaling/resources/target.go (knative/serving pkg/reconciler/autoscaling/resources/target.go); the mapping of
every setting is in docs/autoscaling.md.
"""

from __future__ import annotations

import math
from typing import Any

from knstack.api.autoscaling import MAX_INT32
from knstack.api.context import ServingContext
from knstack.expand.autoscaling.hpa import autoscaler_meta, deployment_ref
from knstack.expand.routing.interceptor import InterceptorRoute
from knstack.expand.services import revision_service_port
from knstack.resolve.model import RevisionPlan
from knstack.vocabulary import REVISION_HEADER

HTTP_ADD_ON_API_VERSION = "http.keda.sh/v1alpha1"
# config-autoscaler defaults the add-on has no setting for (knative/serving pkg/autoscaler/config/config.go).
STABLE_WINDOW_SECONDS = 60
SCALE_TO_ZERO_GRACE_SECONDS = 30
# Knative's RPS target utilization is fixed (the ConfigMap percentage is for concurrency).
RPS_TARGET_UTILIZATION_PERCENT = 70.0
# KPA settings the add-on has no equivalent for: set, they are reported, not carried.
NOT_CARRIED = {
    "initial_scale": "initial-scale",
    "activation_scale": "activation-scale",
    "target_burst_capacity": "target-burst-capacity",
    "panic_window_percentage": "panic-window-percentage",
    "panic_threshold_percentage": "panic-threshold-percentage",
    "metric_aggregation_algorithm": "metric-aggregation-algorithm",
}


def http_scaling_metric(rev: RevisionPlan, ctx: ServingContext) -> dict[str, Any]:
    """`scalingMetric` from the KPA metric and target (Knative ResolveMetricTarget).

    The add-on takes whole numbers; the target is rounded down (at least 1) so that a
    pod never gets more than Knative would send it.
    """
    target = kpa_target(rev, ctx)
    value = max(1, math.floor(round(target, 6)))
    if rev.autoscaling.effective_metric == "rps":
        window = int(rev.autoscaling.window or STABLE_WINDOW_SECONDS)
        return {"requestRate": {"granularity": "1s", "targetValue": value, "window": f"{window}s"}}
    return {"concurrency": {"targetValue": value}}


def kpa_target(rev: RevisionPlan, ctx: ServingContext) -> float:
    """Knative's per-pod target: total x utilization, at least 0.01 (knative/serving pkg/reconciler/autoscaling/resources/target.go)."""
    scaling = rev.autoscaling
    if scaling.effective_metric == "rps":
        total = (
            scaling.target if scaling.target is not None else ctx.requests_per_second_target_default
        )
        percent = scaling.target_utilization_percentage or RPS_TARGET_UTILIZATION_PERCENT
    else:
        cc = rev.effective.container_concurrency
        total = float(cc) if cc else ctx.container_concurrency_target_default
        if scaling.target is not None:
            total = min(scaling.target, cc) if cc else scaling.target
        percent = (
            scaling.target_utilization_percentage or ctx.container_concurrency_target_percentage
        )
    return max(0.01, total * percent / 100)


def scaledown_period(rev: RevisionPlan) -> int:
    """Seconds without traffic before zero: Knative waits a stable window (or the
    scale-down delay, if longer), then keeps the last pod for the grace period or the
    pod retention period, whichever is longer."""
    scaling = rev.autoscaling
    idle = max(scaling.window or STABLE_WINDOW_SECONDS, scaling.scale_down_delay or 0)
    linger = max(SCALE_TO_ZERO_GRACE_SECONDS, scaling.scale_to_zero_pod_retention_period or 0)
    return int(idle + linger)


def min_replicas(rev: RevisionPlan, ctx: ServingContext) -> int:
    return rev.autoscaling.min_scale or (0 if ctx.enable_scale_to_zero else 1)


def build_http_scaled_object(
    rev: RevisionPlan, route: InterceptorRoute, ctx: ServingContext
) -> dict[str, Any]:
    scaling = rev.autoscaling
    spec: dict[str, Any] = {"hosts": list(route.hosts)}
    if route.revision_header:
        spec["headers"] = [{"name": REVISION_HEADER, "value": rev.name}]
    spec["replicas"] = {"min": min_replicas(rev, ctx), "max": scaling.max_scale or MAX_INT32}
    spec["scaleTargetRef"] = {
        **deployment_ref(rev),
        "service": rev.name,
        "port": revision_service_port(rev),
    }
    spec["scaledownPeriod"] = scaledown_period(rev)
    spec["scalingMetric"] = http_scaling_metric(rev, ctx)
    return {
        "apiVersion": HTTP_ADD_ON_API_VERSION,
        "kind": "HTTPScaledObject",
        "metadata": autoscaler_meta(rev),
        "spec": spec,
    }


def not_carried_warning(rev: RevisionPlan) -> str | None:
    scaling = rev.autoscaling
    names = [name for attr, name in NOT_CARRIED.items() if getattr(scaling, attr) is not None]
    if not names:
        return None
    return (
        f"{rev.ref}: the KEDA HTTP add-on has no equivalent of {', '.join(names)}; "
        "these settings are not carried (see docs/autoscaling.md)"
    )
