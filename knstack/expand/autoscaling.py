"""The autoscaler of a revision (Knative autoscaling/hpa/resources/hpa.go, facts 3.5).

HPA class: an autoscaling/v2 HorizontalPodAutoscaler exactly as Knative makes it.
KPA class (request-driven, scale to zero) has no autoscaler in this backend yet: the
Deployment runs a fixed number of replicas and the expansion says so in a warning.
"""

from __future__ import annotations

import math
from typing import Any

from knstack.api.autoscaling import MAX_INT32
from knstack.expand.labels import object_meta, revision_annotations, revision_labels
from knstack.naming import deployment_name
from knstack.resolve.model import RevisionPlan


def deployment_replicas(rev: RevisionPlan) -> int | None:
    """Replicas the Deployment fixes: none under an HPA (it owns the count), else a floor."""
    scaling = rev.autoscaling
    if scaling.is_hpa:
        return None
    return max(scaling.min_scale or 0, scaling.initial_scale or 0, 1)


def autoscaling_warnings(rev: RevisionPlan) -> list[str]:
    scaling = rev.autoscaling
    if scaling.is_hpa:
        return []
    replicas = deployment_replicas(rev)
    what = "the KPA class (request-driven scaling, scale to zero)" if scaling.is_kpa else f"the autoscaler class {scaling.autoscaler_class!r}"
    return [
        f"{rev.ref}: {what} has no autoscaler in the kubernetes backend yet; "
        f"rendering a fixed {replicas} replica(s) (max of min-scale, initial-scale, 1)"
    ]


def build_revision_hpa(rev: RevisionPlan) -> dict[str, Any] | None:
    """The HPA for an HPA-class revision, or None for other classes."""
    scaling = rev.autoscaling
    if not scaling.is_hpa:
        return None
    spec: dict[str, Any] = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": deployment_name(rev.name)},
    }
    if scaling.min_scale:
        spec["minReplicas"] = scaling.min_scale
    spec["maxReplicas"] = scaling.max_scale or MAX_INT32
    metrics = _metrics(scaling.effective_metric, scaling.target)
    if metrics:
        spec["metrics"] = metrics
    if scaling.window is not None:
        window = int(scaling.window)
        spec["behavior"] = {
            "scaleDown": {"stabilizationWindowSeconds": window},
            "scaleUp": {"stabilizationWindowSeconds": window},
        }
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": object_meta(rev.name, rev.namespace, revision_labels(rev), revision_annotations(rev, keep_autoscaling=True)),
        "spec": spec,
    }


def _metrics(metric: str, target: float | None) -> list[dict[str, Any]]:
    """Metrics only when a target is set; otherwise Kubernetes' default (80% CPU) applies."""
    if target is None:
        return []
    if metric == "cpu":
        # A utilization percent (the Knative docs call it millicores; the code uses percent).
        return [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": math.ceil(target)}}}]
    if metric == "memory":
        return [{"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": f"{int(target)}Mi"}}}]
    return [{"type": "Pods", "pods": {"metric": {"name": metric}, "target": {"type": "AverageValue", "averageValue": str(int(target))}}}]
