"""Reading Kubernetes and Knative objects as plain dicts: kinds, names, pod templates.

Objects arrive from YAML, from `knstack.build`, or from Pulumi resource props (where every
number is a float and every mapping may be a read-only proxy); these helpers accept all.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from knstack.vocabulary import (
    AUTOSCALING_PREFIX,
    CONFIGURATION_LABEL,
    SERVICE_LABEL,
    SERVING_GROUP,
    annotations_of,
    kind_key,
    labels_of,
    name_of,
)

MIN_SCALE_KEYS = (AUTOSCALING_PREFIX + "min-scale", AUTOSCALING_PREFIX + "minScale")
MAX_SCALE_KEYS = (AUTOSCALING_PREFIX + "max-scale", AUTOSCALING_PREFIX + "maxScale")
CLASS_KEY = AUTOSCALING_PREFIX + "class"
HPA_CLASS = "hpa.autoscaling.knative.dev"

DEPLOYMENT = "apps/Deployment"
HPA = "autoscaling/HorizontalPodAutoscaler"
PDB = "policy/PodDisruptionBudget"
SERVICE = "/Service"
NAMESPACE = "/Namespace"
SECRET = "/Secret"
HTTPROUTE = "gateway.networking.k8s.io/HTTPRoute"
KNATIVE_SERVICE = f"{SERVING_GROUP}/Service"
KNATIVE_CONFIGURATION = f"{SERVING_GROUP}/Configuration"
KNATIVE_REVISION = f"{SERVING_GROUP}/Revision"
KNATIVE_ROUTE = f"{SERVING_GROUP}/Route"

# Objects with a revision template (Knative) and with a pod template (Kubernetes).
KNATIVE_TEMPLATED = frozenset({KNATIVE_SERVICE, KNATIVE_CONFIGURATION, KNATIVE_REVISION})
KNATIVE_ROUTING = frozenset({KNATIVE_SERVICE, KNATIVE_ROUTE})
WORKLOADS = (
    frozenset(
        {
            "/Pod",
            DEPLOYMENT,
            "apps/StatefulSet",
            "apps/DaemonSet",
            "apps/ReplicaSet",
            "batch/Job",
            "batch/CronJob",
        }
    )
    | KNATIVE_TEMPLATED
)


def dig(obj: Any, *path: str | int) -> Any:
    """The value at `path`, or None when any step is missing or of the wrong type."""
    for step in path:
        if isinstance(step, int):
            if not isinstance(obj, Sequence) or isinstance(obj, str) or step >= len(obj):
                return None
        elif not isinstance(obj, Mapping) or step not in obj:
            return None
        obj = obj[step]
    return obj


def number(value: Any) -> float | None:
    """A number from YAML (int) or from Pulumi props (float); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def show(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def pod_spec(obj: Mapping[str, Any]) -> tuple[Mapping[str, Any], str] | None:
    """The pod spec of a workload and its path (a Knative revision spec is a pod spec)."""
    key = kind_key(obj)
    if key not in WORKLOADS:
        return None
    if key == "/Pod":
        path: tuple[str, ...] = ("spec",)
    elif key == "batch/CronJob":
        path = ("spec", "jobTemplate", "spec", "template", "spec")
    elif key == KNATIVE_REVISION:
        path = ("spec",)
    else:
        path = ("spec", "template", "spec")
    spec = dig(obj, *path)
    return (spec, ".".join(path)) if isinstance(spec, Mapping) else None


def pod_labels(obj: Mapping[str, Any]) -> Mapping[str, str]:
    """The labels of the pods a workload makes."""
    key = kind_key(obj)
    if key == "/Pod":
        return labels_of(obj)
    path = (
        ("spec", "jobTemplate", "spec", "template")
        if key == "batch/CronJob"
        else ("spec", "template")
    )
    return dig(obj, *path, "metadata", "labels") or {}


def containers(
    spec: Mapping[str, Any], base: str, *, init: bool = True
) -> Iterator[tuple[Mapping[str, Any], str]]:
    """Every container of a pod spec with its path (init and ephemeral containers too)."""
    groups = ("initContainers", "containers", "ephemeralContainers") if init else ("containers",)
    for group in groups:
        for index, container in enumerate(spec.get(group) or []):
            if isinstance(container, Mapping):
                yield container, f"{base}.{group}[{index}]"


def serving_containers(
    spec: Mapping[str, Any], base: str
) -> Iterator[tuple[Mapping[str, Any], str]]:
    """The containers that receive requests: those with ports, or the only one."""
    listed = list(containers(spec, base, init=False))
    with_ports = [(c, p) for c, p in listed if c.get("ports")]
    yield from with_ports if with_ports else listed[:1]


def container_name(container: Mapping[str, Any], path: str) -> str:
    return str(container.get("name") or path.rpartition(".")[2])


def revision_template(
    obj: Mapping[str, Any],
) -> tuple[Mapping[str, Any], Mapping[str, Any], str] | None:
    """(annotations, spec, path prefix) of a Knative revision template, or None."""
    key = kind_key(obj)
    if key == KNATIVE_REVISION:
        return annotations_of(obj), obj.get("spec") or {}, ""
    if key in (KNATIVE_SERVICE, KNATIVE_CONFIGURATION):
        template = dig(obj, "spec", "template") or {}
        return (
            dig(template, "metadata", "annotations") or {},
            template.get("spec") or {},
            "spec.template.",
        )
    return None


def knative_service_name(obj: Mapping[str, Any]) -> str:
    """The Knative Service (or Configuration) a Knative object belongs to."""
    if kind_key(obj) in (KNATIVE_SERVICE, KNATIVE_CONFIGURATION):
        return name_of(obj)
    labels = labels_of(obj)
    return str(labels.get(SERVICE_LABEL) or labels.get(CONFIGURATION_LABEL) or name_of(obj))


def first_annotation(annotations: Mapping[str, str], keys: Sequence[str]) -> tuple[str, str] | None:
    for key in keys:
        if key in annotations:
            return key, str(annotations[key])
    return None


def annotation_path(base: str, key: str) -> str:
    return f'{base}annotations["{key}"]'


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """A label selector (matchLabels/matchExpressions, or a Service's plain map) against labels."""
    if not selector:
        return False
    if "matchLabels" in selector or "matchExpressions" in selector:
        match = selector.get("matchLabels") or {}
        expressions = selector.get("matchExpressions") or []
    else:
        match, expressions = selector, []
    if any(labels.get(k) != v for k, v in match.items()):
        return False
    for expression in expressions:
        key, operator, values = (
            expression.get("key"),
            expression.get("operator"),
            list(expression.get("values") or []),
        )
        present = key in labels
        if operator == "In" and not (present and labels[key] in values):
            return False
        if operator == "NotIn" and present and labels[key] in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
    return bool(match or expressions)
