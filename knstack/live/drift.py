"""`knstack drift`: per cluster, what the render says against what is live.

- missing: rendered, not in the cluster;
- changed: live, but a field knstack writes holds another value (knstack.live.compare);
- extra: in a namespace the render creates, an object of a kind the render writes that the
  render no longer has and that nothing owns (ReplicaSets, Pods and EndpointSlices belong to
  their owners, and what Kubernetes' controllers make in every namespace, are never extra).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from knstack.expand.autoscaling.keda_http import HTTP_ADD_ON_API_VERSION
from knstack.expand.autoscaling.keda_schedule import KEDA_API_VERSION
from knstack.expand.routing.ingress import INGRESS_API_VERSION
from knstack.expand.routing.istio import ISTIO_API_VERSION
from knstack.live.client import ClusterConnection, connect
from knstack.live.compare import FieldChange, changed_fields
from knstack.vocabulary import Manifest

if TYPE_CHECKING:
    from knstack.build import ClusterBuild, EnvironmentBuild

DriftState = Literal["missing", "changed", "extra"]


@dataclass(frozen=True)
class Drift:
    cluster: str
    state: DriftState
    api_version: str
    kind: str
    namespace: str
    name: str
    fields: tuple[FieldChange, ...] = ()

    @property
    def label(self) -> str:
        return (
            f"{self.kind} {self.namespace}/{self.name}"
            if self.namespace
            else f"{self.kind} {self.name}"
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "cluster": self.cluster, "state": self.state, "apiVersion": self.api_version,
            "kind": self.kind, "namespace": self.namespace, "name": self.name,
        }  # fmt: skip
        if self.fields:
            out["fields"] = [
                {"path": f.path, "rendered": f.rendered, "live": f.live} for f in self.fields
            ]
        return out


@dataclass
class DriftReport:
    environment: str
    clusters: list[str]
    drifts: list[Drift] = field(default_factory=list)
    checked: int = 0


def environment_drift(build: EnvironmentBuild, stack_file: str) -> DriftReport:
    report = DriftReport(build.environment, [c.name for c in build.clusters])
    for cluster in build.clusters:
        conn = connect(cluster.name, cluster.settings.context, stack_file)
        report.drifts += cluster_drift(conn, cluster)
        report.checked += len(cluster.manifests)
    report.drifts.sort(key=lambda d: (d.cluster, d.state, d.kind, d.namespace, d.name))
    return report


def cluster_drift(conn: ClusterConnection, cluster: ClusterBuild) -> list[Drift]:
    drifts: list[Drift] = []
    for obj in cluster.manifests:
        live = _get(conn, obj)
        meta = obj["metadata"]
        where = (
            conn.cluster,
            obj["apiVersion"],
            obj["kind"],
            meta.get("namespace", ""),
            meta["name"],
        )
        if live is None:
            drifts.append(Drift(where[0], "missing", *where[1:]))
            continue
        changes = changed_fields(_comparable(obj), live)
        if changes:
            drifts.append(Drift(where[0], "changed", *where[1:], tuple(changes)))
    return drifts + _extra(conn, cluster.manifests)


def _comparable(obj: Manifest) -> Manifest:
    """The rendered object without what the server never echoes back as written."""
    return {k: v for k, v in obj.items() if k != "status"}


def _get(conn: ClusterConnection, obj: Manifest) -> dict[str, Any] | None:
    from kubernetes.dynamic.exceptions import NotFoundError

    resource = conn.resource(obj["apiVersion"], obj["kind"])
    if resource is None:
        return None
    meta = obj["metadata"]
    try:
        found: dict[str, Any] = resource.get(
            name=meta["name"], namespace=meta.get("namespace") if resource.namespaced else None
        ).to_dict()
        return found
    except NotFoundError:
        return None


# Namespaced kinds knstack writes (kubernetes backend, every gateway and autoscaler), so an
# object is found extra even when the render no longer has any object of its kind.
OUTPUT_KINDS = (
    ("apps/v1", "Deployment"),
    ("v1", "Service"),
    ("autoscaling/v2", "HorizontalPodAutoscaler"),
    ("policy/v1", "PodDisruptionBudget"),
    (INGRESS_API_VERSION, "Ingress"),
    ("gateway.networking.k8s.io/v1", "HTTPRoute"),
    (ISTIO_API_VERSION, "VirtualService"),
    (KEDA_API_VERSION, "ScaledObject"),
    (HTTP_ADD_ON_API_VERSION, "HTTPScaledObject"),
    ("serving.knative.dev/v1", "Service"),
)


def prune(build: EnvironmentBuild, report: DriftReport, stack_file: str) -> list[Drift]:
    """Delete the extra objects of `report` (what the render no longer has); returns them."""
    contexts = {c.name: c.settings.context for c in build.clusters}
    pruned = []
    for d in [d for d in report.drifts if d.state == "extra"]:
        conn = connect(d.cluster, contexts[d.cluster], stack_file)
        resource = conn.resource(d.api_version, d.kind)
        if resource is not None:
            resource.delete(name=d.name, namespace=d.namespace)
            pruned.append(d)
    report.drifts = [d for d in report.drifts if d not in pruned]
    return pruned


def _extra(conn: ClusterConnection, rendered: list[Manifest]) -> list[Drift]:
    namespaces = sorted(o["metadata"]["name"] for o in rendered if o["kind"] == "Namespace")
    in_namespaces = [o for o in rendered if o["metadata"].get("namespace") in namespaces]
    kinds = sorted({(o["apiVersion"], o["kind"]) for o in in_namespaces} | set(OUTPUT_KINDS))
    known = {
        (o["apiVersion"], o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"])
        for o in rendered
    }
    drifts = []
    for api_version, kind in kinds:
        resource = conn.resource(api_version, kind)
        if resource is None:
            continue
        for namespace in namespaces:
            for item in resource.get(namespace=namespace).to_dict().get("items", []):
                meta = item["metadata"]
                key = (api_version, kind, namespace, meta["name"])
                if key not in known and not _made_by_kubernetes(meta):
                    drifts.append(Drift(conn.cluster, "extra", *key))
    return drifts


# Objects Kubernetes makes in every namespace (the `default` ServiceAccount, the
# `kube-root-ca.crt` ConfigMap) are written by its controllers alone.
_KUBERNETES_MANAGERS = ("kube-controller-manager", "kube-scheduler", "kubelet")


def _made_by_kubernetes(meta: dict[str, Any]) -> bool:
    if meta.get("ownerReferences"):
        return True
    managers = {m.get("manager", "") for m in meta.get("managedFields") or []}
    return bool(managers) and managers <= set(_KUBERNETES_MANAGERS)
