"""The words knstack shares with Knative and Kubernetes, each defined once.

Label and annotation keys, the manifest type and how messages name a manifest, and the
Pod Security "restricted" securityContext. Knative keeps its keys the same way, in one
package (`knative/serving pkg/apis/serving/register.go`, `pkg/apis/autoscaling/register.go`,
`pkg/apis/networking/register.go`); every module of knstack imports them from here.
This module imports nothing from knstack, so every layer may use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

# A Kubernetes object as the engine builds it and the renderer writes it.
Manifest = dict[str, Any]

# The Kubernetes version an environment targets (and `knstack validate` checks against)
# when its settings name none (knstack:kubernetesVersion).
DEFAULT_KUBERNETES_VERSION: Final = "1.33.0"

# serving.knative.dev (knative/serving pkg/apis/serving/register.go).
SERVING_API_VERSION: Final = "serving.knative.dev/v1"  # Final: a Literal type for models
SERVING_GROUP = SERVING_API_VERSION.partition("/")[0]
SERVING_PREFIX = f"{SERVING_GROUP}/"
REVISION_LABEL = f"{SERVING_GROUP}/revision"
CONFIGURATION_LABEL = f"{SERVING_GROUP}/configuration"
CONFIGURATION_GENERATION_LABEL = f"{SERVING_GROUP}/configurationGeneration"
SERVICE_LABEL = f"{SERVING_GROUP}/service"
ROUTE_LABEL = f"{SERVING_GROUP}/route"
# The header Knative's ingress appends to every split (knative/serving
# pkg/reconciler/route/resources/ingress.go); knstack's gateways set it where revisions
# scaled by the KEDA HTTP add-on share a host, and their HTTPScaledObjects match on it.
REVISION_HEADER = "Knative-Serving-Revision"
ROUTING_STATE_LABEL = f"{SERVING_GROUP}/routingState"
ROLLOUT_DURATION_ANNOTATION = f"{SERVING_GROUP}/rollout-duration"
PROGRESS_DEADLINE_ANNOTATION = f"{SERVING_GROUP}/progress-deadline"
CONTROLLER_AGGREGATION_LABEL = f"{SERVING_GROUP}/controller"

# autoscaling.knative.dev (knative/serving pkg/apis/autoscaling/register.go).
AUTOSCALING_PREFIX = "autoscaling.knative.dev/"

# networking.knative.dev (knative/networking pkg/apis/networking/register.go).
VISIBILITY_LABEL = "networking.knative.dev/visibility"

# Kubernetes' recommended labels
# (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/).
NAME_LABEL = "app.kubernetes.io/name"
COMPONENT_LABEL = "app.kubernetes.io/component"
VERSION_LABEL = "app.kubernetes.io/version"
MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
PART_OF_LABEL = "app.kubernetes.io/part-of"
DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"

# knstack's own: marks the objects of a tag host (Knative has no such label).
TAG_LABEL = "knstack.dev/tag"
MANAGED_BY = "knstack"

# Pod Security "restricted"
# (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted): what
# every container and pod knstack writes starts from. Copy before changing (copy.deepcopy).
RESTRICTED_CONTAINER_SECURITY: Mapping[str, Any] = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}
RESTRICTED_POD_SECURITY: Mapping[str, Any] = {
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}
# Knative's own containers also run with a read-only root filesystem (their release YAML).
# (Keys in the order of Knative's release YAML, which renders keep.)
KNATIVE_CONTAINER_SECURITY: Mapping[str, Any] = {
    "allowPrivilegeEscalation": RESTRICTED_CONTAINER_SECURITY["allowPrivilegeEscalation"],
    "readOnlyRootFilesystem": True,
    "runAsNonRoot": RESTRICTED_CONTAINER_SECURITY["runAsNonRoot"],
    "capabilities": RESTRICTED_CONTAINER_SECURITY["capabilities"],
    "seccompProfile": RESTRICTED_CONTAINER_SECURITY["seccompProfile"],
}


def meta(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    value = obj.get("metadata")
    return value if isinstance(value, Mapping) else {}


def name_of(obj: Mapping[str, Any]) -> str:
    return str(meta(obj).get("name") or "")


def namespace_of(obj: Mapping[str, Any]) -> str:
    return str(meta(obj).get("namespace") or "")


def labels_of(obj: Mapping[str, Any]) -> Mapping[str, str]:
    return meta(obj).get("labels") or {}


def annotations_of(obj: Mapping[str, Any]) -> Mapping[str, str]:
    return meta(obj).get("annotations") or {}


def group_of(obj: Mapping[str, Any]) -> str:
    """The API group of `apiVersion` ("" for the core group)."""
    return str(obj.get("apiVersion") or "").rpartition("/")[0]


def kind_key(obj: Mapping[str, Any]) -> str:
    """`<api group>/<kind>`: "apps/Deployment", "/Service" (core), "serving.knative.dev/Service"."""
    return f"{group_of(obj)}/{obj.get('kind') or ''}"


def ref(obj: Mapping[str, Any]) -> str:
    """How messages name an object: `Deployment coffee-shop/coffee-00002-deployment`."""
    namespace = namespace_of(obj)
    name = name_of(obj) or "(unnamed)"
    return f"{obj.get('kind') or 'object'} {namespace + '/' if namespace else ''}{name}"


def identity(obj: Mapping[str, Any]) -> tuple[str, str, str]:
    """What makes two objects the same object in a cluster: group/kind, namespace, name."""
    return (kind_key(obj), namespace_of(obj), name_of(obj))
