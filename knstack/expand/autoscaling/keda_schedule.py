"""Schedule + HPA: a KEDA ScaledObject with cron triggers beside the CPU/memory trigger.

For an HPA-class revision with `knstack.dev/schedule` windows (planned capacity ahead of
known peaks). KEDA builds one HorizontalPodAutoscaler from all triggers, and an HPA
follows the highest proposal, so the effective replica count is the larger of the
schedule's and the demand's. The HPA-class semantics stay: never below
max(min-scale, 1), at most max-scale, the CPU/memory target as Knative's HPA reads it.
"""

from __future__ import annotations

import math
from typing import Any

from knstack.api.autoscaling import MAX_INT32
from knstack.api.knstack_annotations import Schedule
from knstack.expand.autoscaling.hpa import (
    DEFAULT_CPU_UTILIZATION,
    autoscaler_meta,
    deployment_ref,
    window_behavior,
)
from knstack.resolve.model import RevisionPlan

KEDA_API_VERSION = "keda.sh/v1alpha1"


def build_scheduled_scaled_object(rev: RevisionPlan, schedule: Schedule) -> dict[str, Any]:
    scaling = rev.autoscaling
    spec: dict[str, Any] = {
        "scaleTargetRef": deployment_ref(rev),
        # KEDA's default minimum is 0; Knative's HPA class never scales to zero.
        "minReplicaCount": max(scaling.min_scale or 0, 1),
        "maxReplicaCount": scaling.max_scale or MAX_INT32,
    }
    if (behavior := window_behavior(rev)) is not None:
        spec["advanced"] = {"horizontalPodAutoscalerConfig": {"behavior": behavior}}
    spec["triggers"] = [
        *cron_triggers(schedule),
        demand_trigger(scaling.effective_metric, scaling.target),
    ]
    return {
        "apiVersion": KEDA_API_VERSION,
        "kind": "ScaledObject",
        "metadata": autoscaler_meta(rev),
        "spec": spec,
    }


def cron_triggers(schedule: Schedule) -> list[dict[str, Any]]:
    return [
        {
            "type": "cron",
            "metadata": {
                "timezone": schedule.timezone,
                "start": window.start,
                "end": window.end,
                "desiredReplicas": str(window.replicas),
            },
        }
        for window in schedule.windows
    ]


def demand_trigger(metric: str, target: float | None) -> dict[str, Any]:
    """The CPU or memory trigger; without a target, Kubernetes' HPA default (80% CPU).

    Validation admits schedules only with the cpu or memory metric (KEDA's resource
    triggers); custom metrics would need a metrics-server-specific trigger.
    """
    if target is None or metric == "cpu":
        value = DEFAULT_CPU_UTILIZATION if target is None else math.ceil(target)
        return {"type": "cpu", "metricType": "Utilization", "metadata": {"value": str(value)}}
    return {
        "type": "memory",
        "metricType": "AverageValue",
        "metadata": {"value": f"{int(target)}Mi"},
    }
