"""Metadata rules: names, labels, and which annotations Knative accepts where (knative/serving pkg/apis/autoscaling/annotation_validation.go; knative/serving pkg/apis/serving/v1/revision_types.go)."""

from __future__ import annotations

from knstack.api.autoscaling import annotation_field, parse_autoscaling
from knstack.api.configmaps.base import QUANTITY
from knstack.api.context import ServingContext
from knstack.api.core import ObjectMeta
from knstack.api.duration import parse_go_duration
from knstack.api.knstack_annotations import PREFIX as KNSTACK_PREFIX
from knstack.api.knstack_annotations import validate_knstack_annotations
from knstack.api.validation.names import (
    dns1035_label_error,
    dns1123_label_error,
    label_value_error,
    qualified_key_error,
)
from knstack.api.waivers import WAIVE_PREFIX, validate_waivers
from knstack.errors import Problem, warning
from knstack.vocabulary import (
    AUTOSCALING_PREFIX,
    PROGRESS_DEADLINE_ANNOTATION,
    ROLLOUT_DURATION_ANNOTATION,
    VISIBILITY_LABEL,
)

CLUSTER_LOCAL = "cluster-local"
IGNORED = "Knative admits and ignores this here"
QUEUE_SIDECAR_PREFIX = "queue.sidecar.serving.knative.dev/"

_QUEUE_SIDECAR_KEYS = {
    QUEUE_SIDECAR_PREFIX + f"{res}-resource-{kind}"
    for res in ("cpu", "memory", "ephemeral-storage")
    for kind in ("request", "limit")
} | {QUEUE_SIDECAR_PREFIX + "resource-percentage"}


def validate_object_metadata(
    meta: ObjectMeta, *, routable: bool, base: str = "metadata"
) -> list[Problem]:
    """Rules for the metadata of a Service, Configuration or Route."""
    problems: list[Problem] = []
    if not meta.name:
        message = "missing field(s)"  # Knative: apis.ErrMissingField
        if meta.generate_name:
            message += " (generateName is not supported: knstack needs stable names to render)"
        problems.append(Problem(message, field=f"{base}.name"))
    elif err := dns1035_label_error(meta.name):
        problems.append(Problem(err, field=f"{base}.name"))
    if meta.namespace is not None and (err := dns1123_label_error(meta.namespace)):
        problems.append(Problem(err, field=f"{base}.namespace"))
    problems += _labels(meta, base, routable=routable)
    annotations = meta.annotations or {}
    problems += validate_waivers(annotations, base)
    for key in sorted(annotations):
        where = f"{base}.{annotation_field(key)}"
        if err := qualified_key_error(key):
            problems.append(Problem(err, field=where))
        elif key.startswith(WAIVE_PREFIX):
            continue  # policy waivers (validated above)
        elif key.startswith(AUTOSCALING_PREFIX):
            problems.append(
                Problem(
                    "autoscaling annotations are only accepted on spec.template.metadata "
                    "(they configure each revision)",
                    field=where,
                )
            )
        elif (
            key.startswith((QUEUE_SIDECAR_PREFIX, KNSTACK_PREFIX))
            or key == PROGRESS_DEADLINE_ANNOTATION
        ):
            problems.append(warning(f"{IGNORED}: it is read on spec.template.metadata", where))
        elif key == ROLLOUT_DURATION_ANNOTATION:
            if not routable:
                problems.append(warning(f"{IGNORED}: it is read on a Service or a Route", where))
            else:
                problems += _rollout_duration(annotations[key], where)
    return problems


def validate_template_metadata(
    meta: ObjectMeta, parent: str, ctx: ServingContext, base: str
) -> list[Problem]:
    """Rules for spec.template.metadata: BYO name, autoscaling and sidecar annotations."""
    problems: list[Problem] = []
    if meta.name is not None:
        prefix = f"{parent}-"
        if not meta.name.startswith(prefix) or meta.name == prefix:
            problems.append(
                Problem(
                    f"the revision name {meta.name!r} must start with {prefix!r}",
                    field=f"{base}.name",
                )
            )
        elif err := dns1035_label_error(meta.name):
            problems.append(Problem(err, field=f"{base}.name"))
    if meta.namespace is not None:
        problems.append(
            warning(f"{IGNORED}: a revision lives in its parent's namespace", f"{base}.namespace")
        )
    problems += _labels(meta, base, routable=False)
    annotations = meta.annotations or {}
    _, autoscaling_problems = parse_autoscaling(annotations, ctx, base)
    problems += autoscaling_problems
    problems += validate_knstack_annotations(annotations, base)
    for key in sorted(annotations):
        where = f"{base}.{annotation_field(key)}"
        if err := qualified_key_error(key):
            problems.append(Problem(err, field=where))
        elif key == PROGRESS_DEADLINE_ANNOTATION:
            problems += _duration(annotations[key], where, minimum=1e-9)
        elif key.startswith(QUEUE_SIDECAR_PREFIX) and key not in _QUEUE_SIDECAR_KEYS:
            problems.append(warning(_unknown_serving_key(key, _QUEUE_SIDECAR_KEYS), where))
        elif key.startswith(QUEUE_SIDECAR_PREFIX):
            problems += _queue_sidecar_value(key, annotations[key], where)
        elif key == ROLLOUT_DURATION_ANNOTATION:
            problems.append(warning(f"{IGNORED}: it is read on a Service or a Route", where))
    return problems


def _labels(meta: ObjectMeta, base: str, *, routable: bool) -> list[Problem]:
    problems: list[Problem] = []
    for key, value in sorted((meta.labels or {}).items()):
        where = f'{base}.labels["{key}"]'
        if err := qualified_key_error(key) or label_value_error(value):
            problems.append(Problem(err, field=where))
        elif key == VISIBILITY_LABEL:
            # knative/serving pkg/reconciler/route/resources/labels.go: only cluster-local
            # counts, on a Service or Route; anything else leaves the route public.
            if not routable:
                problems.append(warning(f"{IGNORED}: it is read on a Service or a Route", where))
            elif value != CLUSTER_LOCAL:
                problems.append(
                    warning(
                        f"Knative reads only {CLUSTER_LOCAL!r}; with {value!r} the route is public",
                        where,
                    )
                )
    return problems


def _duration(raw: str, where: str, *, minimum: float) -> list[Problem]:
    try:
        seconds = parse_go_duration(raw)
    except ValueError:
        return [
            Problem(f"invalid duration {raw!r}: use Go syntax such as 30s, 2m or 1h", field=where)
        ]
    if seconds < minimum:
        return [
            Problem(f"{raw} must be {'positive' if minimum > 0 else 'zero or more'}", field=where)
        ]
    return []


def _queue_sidecar_value(key: str, raw: str, where: str) -> list[Problem]:
    """knative/serving pkg/apis/serving/v1/revision_validation.go
    (validateQueueSidecarResourceAnnotations): the percentage is a number in [0.1, 100], the
    others are Kubernetes quantities."""
    if key == QUEUE_SIDECAR_PREFIX + "resource-percentage":
        try:
            value = float(raw)
        except ValueError:
            return [Problem(f"invalid value: {raw}", field=where)]
        if not 0.1 <= value <= 100:
            return [Problem(f"expected 0.1 <= {raw} <= 100", field=where)]
        return []
    if not QUANTITY.match(raw.strip()):
        return [
            Problem(f"invalid value: {raw} (use a quantity such as 100m or 128Mi)", field=where)
        ]
    return []


def _rollout_duration(raw: str, where: str) -> list[Problem]:
    """knative/serving pkg/apis/serving/metadata_validation.go
    (ValidateRolloutDurationAnnotation): a Go duration, whole seconds, not negative."""
    problems = _duration(raw, where, minimum=0.0)
    if problems:
        return problems
    seconds = parse_go_duration(raw)
    if seconds != round(seconds):
        return [Problem(f"rollout-duration={raw} is not at second precision", field=where)]
    return []


def _unknown_serving_key(key: str, allowed: set[str]) -> str:
    return f"{IGNORED}: it is not a key Knative knows (known: {', '.join(sorted(allowed))})"
