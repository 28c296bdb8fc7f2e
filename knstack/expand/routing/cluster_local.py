"""In-cluster access for cluster-local Routes (visibility: cluster-local, knative/serving pkg/reconciler/route/domains/domains.go).

Knative serves them at `<route>.<namespace>.svc.cluster.local` through its local gateway
and gives them no external host. Without Knative, a ClusterIP Service of the route's name
gives the same address; a split between revisions is carried by a Gateway API HTTPRoute
attached to that Service (the GAMMA mesh pattern), which a mesh such as Istio or Linkerd
honours. Each tag gets its own Service, `<tag>-<route>`, selecting its revision.
"""

from __future__ import annotations

from typing import Any

from knstack.expand.labels import object_meta
from knstack.expand.routing.common import route_annotations, route_labels
from knstack.expand.routing.gateway_api import GATEWAY_API_VERSION, weighted_backend_refs
from knstack.expand.services import build_service_ports
from knstack.naming import tag_object_name
from knstack.resolve.model import RevisionPlan, RoutePlan, ServingPlan
from knstack.vocabulary import CONFIGURATION_LABEL, REVISION_LABEL

ROUTE_PORT = 80


def build_cluster_local_routing(
    plan: ServingPlan, route: RoutePlan
) -> tuple[list[dict[str, Any]], list[str]]:
    """Services (and, for a split, a mesh HTTPRoute) for a cluster-local route, plus warnings."""
    if not route.cluster_local:
        return [], []
    weighted = route.weighted_revisions()
    manifests: list[dict[str, Any]] = []
    warnings: list[str] = []
    first = plan.revision(route.namespace, weighted[0][0])
    if len(weighted) == 1:
        selector = {REVISION_LABEL: first.name}
    else:
        configs = {plan.revision(route.namespace, rev).configuration for rev, _ in weighted}
        selector = (
            {CONFIGURATION_LABEL: first.configuration}
            if len(configs) == 1
            else {REVISION_LABEL: first.name}
        )
        warnings.append(
            f"{route.ref}: a cluster-local split needs a Gateway API mesh (GAMMA) to honour its "
            "weights; without one, the Service spreads requests by pod count"
        )
    manifests.append(_service(route.name, route, selector, _route_ports(first)))
    if len(weighted) > 1:
        manifests.append(
            {
                "apiVersion": GATEWAY_API_VERSION,
                "kind": "HTTPRoute",
                "metadata": object_meta(
                    route.name, route.namespace, route_labels(route), route_annotations(route)
                ),
                "spec": {
                    "parentRefs": [
                        {"group": "", "kind": "Service", "name": route.name, "port": ROUTE_PORT}
                    ],
                    "rules": [
                        {
                            "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                            "backendRefs": weighted_backend_refs(plan, route, weighted),
                        }
                    ],
                },
            }
        )
    for tag, revision in route.tags():
        rev = plan.revision(route.namespace, revision)
        manifests.append(
            _service(
                tag_object_name(tag, route.name),
                route,
                {REVISION_LABEL: revision},
                _route_ports(rev),
                tag=tag,
            )
        )
    return manifests, warnings


def _route_ports(rev: RevisionPlan) -> list[dict[str, Any]]:
    """Callers use plain port 80 on a route's name, whatever the protocol (as in Knative)."""
    ports = build_service_ports(rev)
    return [{**ports[0], "port": ROUTE_PORT}]


def _service(
    name: str,
    route: RoutePlan,
    selector: dict[str, str],
    ports: list[dict[str, Any]],
    tag: str | None = None,
) -> dict[str, Any]:
    labels = route_labels(route, tag)
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": object_meta(name, route.namespace, labels, route_annotations(route)),
        "spec": {"type": "ClusterIP", "selector": selector, "ports": ports},
    }
