"""Knative's labels and annotations for the objects of a revision (knative/serving pkg/reconciler/configuration/resources/revision.go; knative/serving pkg/reconciler/revision/resources/meta.go)."""

from __future__ import annotations

from knstack.resolve.model import RevisionPlan
from knstack.vocabulary import (
    AUTOSCALING_PREFIX,
    CONFIGURATION_GENERATION_LABEL,
    CONFIGURATION_LABEL,
    REVISION_LABEL,
    ROUTE_LABEL,
    ROUTING_STATE_LABEL,
    SERVICE_LABEL,
    SERVING_GROUP,
)

# Annotations Knative strips before copying a revision's annotations to its workloads.
_NOT_PROPAGATED = {
    f"{SERVING_GROUP}/lastPinned",
    f"{SERVING_GROUP}/no-gc",
    f"{SERVING_GROUP}/routingStateModified",
    f"{SERVING_GROUP}/routes",
}


def sorted_map(values: dict[str, str]) -> dict[str, str]:
    """Maps are written sorted, so output does not depend on how they were built."""
    return {key: values[key] for key in sorted(values)}


def revision_labels(rev: RevisionPlan) -> dict[str, str]:
    """Labels of the revision's Deployment, pods, Service and autoscaler."""
    labels = dict(rev.template.metadata.labels or {})
    labels.pop(ROUTE_LABEL, None)
    labels.pop(ROUTING_STATE_LABEL, None)
    labels[CONFIGURATION_LABEL] = rev.configuration
    labels[CONFIGURATION_GENERATION_LABEL] = str(rev.generation)
    labels[REVISION_LABEL] = rev.name
    if rev.service:
        labels[SERVICE_LABEL] = rev.service
    labels.setdefault("app", rev.name)
    return sorted_map(labels)


def revision_selector(rev: RevisionPlan) -> dict[str, str]:
    """Knative selects on the revision UID; without a controller the revision name is as unique."""
    return {REVISION_LABEL: rev.name}


def revision_annotations(rev: RevisionPlan, *, keep_autoscaling: bool) -> dict[str, str]:
    """The revision's annotations as Knative copies them (autoscaling ones only to autoscalers)."""
    annotations = {
        key: value
        for key, value in (rev.template.metadata.annotations or {}).items()
        if key not in _NOT_PROPAGATED
        and (keep_autoscaling or not key.startswith(AUTOSCALING_PREFIX))
    }
    return sorted_map(annotations)


def object_meta(
    name: str,
    namespace: str | None,
    labels: dict[str, str],
    annotations: dict[str, str] | None = None,
) -> dict[str, object]:
    meta: dict[str, object] = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    return meta
