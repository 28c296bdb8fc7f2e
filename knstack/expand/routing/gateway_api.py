"""Gateway API HTTPRoutes for a Knative Route (the default gateway).

The default host carries every revision with its percent as the backend weight; each tag
host carries its revision at 100% (Knative route/resources/ingress.go, facts 2.3).
Defaulted fields (group, kind, path match) are written out so that GitOps tools see no
drift against what the API server stores.
"""

from __future__ import annotations

from typing import Any

from knstack.expand.labels import TAG_LABEL, object_meta
from knstack.expand.routing.common import backend_port, route_annotations, route_labels
from knstack.expand.routing.hosts import default_host, tag_host, tag_name
from knstack.resolve.model import RoutePlan, ServingPlan
from knstack.stack.settings import ClusterSettings

GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1"


def build_httproutes(plan: ServingPlan, route: RoutePlan, settings: ClusterSettings) -> list[dict[str, Any]]:
    """One HTTPRoute for the default host and one per tag; none for a cluster-local route."""
    if route.cluster_local:
        return []
    routes = [
        _httproute(
            route.name,
            route,
            default_host(route, settings.domain),
            [(rev, pct) for rev, pct in route.weighted_revisions()],
            plan,
            settings,
        )
    ]
    for tag, revision in route.tags():
        routes.append(
            _httproute(tag_name(tag, route.name), route, tag_host(route, tag, settings.domain), [(revision, 100)], plan, settings, tag=tag)
        )
    return routes


def parent_ref(settings: ClusterSettings) -> dict[str, Any]:
    gateway = settings.gateway
    ref: dict[str, Any] = {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "name": gateway.name,
        "namespace": gateway.namespace,
    }
    if gateway.section_name:
        ref["sectionName"] = gateway.section_name
    return ref


def weighted_backend_refs(plan: ServingPlan, route: RoutePlan, backends: list[tuple[str, int]]) -> list[dict[str, Any]]:
    return [
        {"group": "", "kind": "Service", "name": revision, "port": backend_port(plan, route, revision), "weight": weight}
        for revision, weight in backends
    ]


def _httproute(
    name: str,
    route: RoutePlan,
    host: str,
    backends: list[tuple[str, int]],
    plan: ServingPlan,
    settings: ClusterSettings,
    tag: str | None = None,
) -> dict[str, Any]:
    labels = route_labels(route)
    if tag:
        labels = {**labels, TAG_LABEL: tag}
        labels = {k: labels[k] for k in sorted(labels)}
    return {
        "apiVersion": GATEWAY_API_VERSION,
        "kind": "HTTPRoute",
        "metadata": object_meta(name, route.namespace, labels, route_annotations(route)),
        "spec": {
            "parentRefs": [parent_ref(settings)],
            "hostnames": [host],
            "rules": [
                {
                    "matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                    "backendRefs": weighted_backend_refs(plan, route, backends),
                }
            ],
        },
    }
