"""HPA class: an autoscaling/v2 HorizontalPodAutoscaler exactly as Knative makes it.

Knative autoscaling/hpa/resources/hpa.go (knative/serving pkg/reconciler/autoscaling/hpa/resources/hpa.go): named like the revision, targets
its Deployment, `minReplicas` only when min-scale > 0 (no scale to zero), metrics only
when a target is set (otherwise Kubernetes' default, 80% CPU), `window` as the
stabilization window both ways.
"""

from __future__ import annotations

import math
from typing import Any

from knstack.api.autoscaling import MAX_INT32
from knstack.expand.labels import object_meta, revision_annotations, revision_labels
from knstack.naming import deployment_name
from knstack.resolve.model import RevisionPlan

# What Kubernetes applies to an HPA without metrics (and so to a Knative HPA without target).
DEFAULT_CPU_UTILIZATION = 80


def build_revision_hpa(rev: RevisionPlan) -> dict[str, Any]:
    scaling = rev.autoscaling
    spec: dict[str, Any] = {"scaleTargetRef": deployment_ref(rev)}
    if scaling.min_scale:
        spec["minReplicas"] = scaling.min_scale
    spec["maxReplicas"] = scaling.max_scale or MAX_INT32
    metrics = hpa_metrics(scaling.effective_metric, scaling.target)
    if metrics:
        spec["metrics"] = metrics
    if (behavior := window_behavior(rev)) is not None:
        spec["behavior"] = behavior
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": autoscaler_meta(rev),
        "spec": spec,
    }


def deployment_ref(rev: RevisionPlan) -> dict[str, str]:
    return {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment_name(rev.name)}


def autoscaler_meta(rev: RevisionPlan) -> dict[str, object]:
    """Like Knative's PodAutoscaler: the revision's labels and all its annotations."""
    annotations = revision_annotations(rev, keep_autoscaling=True)
    return object_meta(rev.name, rev.namespace, revision_labels(rev), annotations)


def window_behavior(rev: RevisionPlan) -> dict[str, Any] | None:
    """`window` becomes the HPA's stabilization window for scaling up and down."""
    window = rev.autoscaling.window
    if window is None:
        return None
    seconds = int(window)
    return {
        "scaleDown": {"stabilizationWindowSeconds": seconds},
        "scaleUp": {"stabilizationWindowSeconds": seconds},
    }


def hpa_metrics(metric: str, target: float | None) -> list[dict[str, Any]]:
    """Metrics only when a target is set; otherwise Kubernetes' default (80% CPU) applies."""
    if target is None:
        return []
    if metric == "cpu":
        # A utilization percent (the Knative docs call it millicores; the code uses percent).
        utilization = {"type": "Utilization", "averageUtilization": math.ceil(target)}
        return [{"type": "Resource", "resource": {"name": "cpu", "target": utilization}}]
    if metric == "memory":
        value = {"type": "AverageValue", "averageValue": f"{int(target)}Mi"}
        return [{"type": "Resource", "resource": {"name": "memory", "target": value}}]
    value = {"type": "AverageValue", "averageValue": str(int(target))}
    return [{"type": "Pods", "pods": {"metric": {"name": metric}, "target": value}}]
