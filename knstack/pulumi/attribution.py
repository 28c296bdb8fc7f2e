"""Which component owns each manifest of a cluster: a pure function of the manifests.

The expansion engine writes Knative's own labels on every object it derives from a
Service, Configuration or Route (knative/serving pkg/reconciler/revision/resources/meta.go; knative/serving pkg/reconciler/route/resources/ingress.go): revision objects carry
`serving.knative.dev/configuration` (and `.../service` when a Service owns them), routing
objects carry `serving.knative.dev/route`. The knative backend's control plane carries the
release's `app.kubernetes.io/name: knative-serving`, or lives in one of its namespaces.
That is enough to give every manifest exactly one owner, the way Knative's own owner
references would:

    Service ns/name        -> its Configuration ns/name (revision objects)
                           -> its Route ns/name (routing objects)
                           -> the Knative Service CR itself (knative backend)
    Configuration ns/name  -> revision objects (standalone Configuration) or the CR
    Route ns/name          -> routing objects (standalone Route) or the CR
    platform               -> the Knative Serving install (CRDs, control plane, networking)
    cluster                -> application Namespaces and anything shared
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from knstack.vocabulary import (
    CONFIGURATION_LABEL,
    NAME_LABEL,
    ROUTE_LABEL,
    SERVICE_LABEL,
    SERVING_API_VERSION,
    Manifest,
)

OwnerKind = Literal["cluster", "platform", "service", "configuration", "route"]

PLATFORM_NAME = "knative-serving"  # the value of app.kubernetes.io/name on Knative's objects
KNATIVE_API = SERVING_API_VERSION
_KNATIVE_KINDS: dict[str, OwnerKind] = {
    "Service": "service",
    "Configuration": "configuration",
    "Route": "route",
}


@dataclass(frozen=True, order=True)
class Owner:
    """The component a manifest belongs to; `service` is the owning Knative Service, if any."""

    kind: OwnerKind
    namespace: str = ""
    name: str = ""
    service: str | None = None


def platform_namespaces(manifests: Iterable[Manifest]) -> frozenset[str]:
    """Namespaces the control-plane install creates (knative-serving, kourier-system, ...)."""
    return frozenset(
        m["metadata"]["name"]
        for m in manifests
        if m.get("apiVersion") == "v1"
        and m.get("kind") == "Namespace"
        and _labels(m).get(NAME_LABEL) == PLATFORM_NAME
    )


def owner_of(manifest: Manifest, platform_ns: frozenset[str] = frozenset()) -> Owner:
    meta = manifest.get("metadata") or {}
    namespace = meta.get("namespace") or ""
    labels = _labels(manifest)
    if manifest.get("apiVersion") == KNATIVE_API and manifest.get("kind") in _KNATIVE_KINDS:
        return Owner(_KNATIVE_KINDS[manifest["kind"]], namespace, meta["name"])
    service = labels.get(SERVICE_LABEL)
    if ROUTE_LABEL in labels:
        return Owner("route", namespace, labels[ROUTE_LABEL], service)
    if CONFIGURATION_LABEL in labels:
        return Owner("configuration", namespace, labels[CONFIGURATION_LABEL], service)
    if service is not None:  # a Service-level object with neither (none today)
        return Owner("service", namespace, service)
    if labels.get(NAME_LABEL) == PLATFORM_NAME or (namespace and namespace in platform_ns):
        return Owner("platform")
    return Owner("cluster")


@dataclass
class ServiceGroup:
    """A Knative Service's objects: its own (the CR), its Configuration's and its Route's."""

    namespace: str
    name: str
    own: list[Manifest] = field(default_factory=list)
    configuration: list[Manifest] = field(default_factory=list)
    route: list[Manifest] = field(default_factory=list)


@dataclass
class ClusterLayout:
    """One cluster's manifests by owner, each manifest exactly once, in expansion order."""

    cluster: list[Manifest] = field(default_factory=list)
    platform: list[Manifest] = field(default_factory=list)
    services: dict[tuple[str, str], ServiceGroup] = field(default_factory=dict)
    configurations: dict[tuple[str, str], list[Manifest]] = field(default_factory=dict)
    routes: dict[tuple[str, str], list[Manifest]] = field(default_factory=dict)

    def count(self) -> int:
        groups = self.services.values()
        return (
            len(self.cluster)
            + len(self.platform)
            + sum(len(g.own) + len(g.configuration) + len(g.route) for g in groups)
            + sum(len(v) for v in self.configurations.values())
            + sum(len(v) for v in self.routes.values())
        )


def lay_out(manifests: Sequence[Manifest]) -> ClusterLayout:
    """Group a cluster's manifests by the component that registers them."""
    layout = ClusterLayout()
    platform_ns = platform_namespaces(manifests)
    for manifest in manifests:
        owner = owner_of(manifest, platform_ns)
        key = (owner.namespace, owner.name)
        if owner.kind == "cluster":
            layout.cluster.append(manifest)
        elif owner.kind == "platform":
            layout.platform.append(manifest)
        elif owner.kind == "service" or owner.service is not None:
            service = owner.name if owner.kind == "service" else owner.service
            assert service is not None
            group = layout.services.setdefault(
                (owner.namespace, service), ServiceGroup(owner.namespace, service)
            )
            if owner.kind == "service":
                group.own.append(manifest)
            elif owner.kind == "configuration":
                group.configuration.append(manifest)
            else:
                group.route.append(manifest)
        elif owner.kind == "configuration":
            layout.configurations.setdefault(key, []).append(manifest)
        else:
            layout.routes.setdefault(key, []).append(manifest)
    return layout


def _labels(manifest: Manifest) -> dict[str, str]:
    return (manifest.get("metadata") or {}).get("labels") or {}
