"""Gateway API HTTPRoutes for a Knative Route (the default gateway).

The default host carries every revision with its percent as the backend weight; each tag
host carries its revision at 100% (Knative route/resources/ingress.go, knative/serving pkg/reconciler/route/resources/ingress.go). With
the `tag-header-based-routing` feature, the default host also sends requests carrying
`Knative-Serving-Tag: <tag>` to that tag's revision, and the routes set Knative's
headers. Defaulted fields (group, kind, path match) are written out so that GitOps tools
see no drift against what the API server stores.

A revision scaled by the KEDA HTTP add-on is reached through the interceptor's Service
(a cross-namespace backendRef, allowed by a ReferenceGrant); when the interceptor needs
the revision's name, a backendRef filter sets it (backendRef filters are an
implementation-specific Gateway API feature: check the implementation's support).
"""

from __future__ import annotations

from typing import Any

from knstack.expand.labels import object_meta
from knstack.expand.routing.backends import Backend, revision_backends
from knstack.expand.routing.common import (
    DEFAULT_ROUTE_HEADER,
    TAG_HEADER,
    backend_port,
    route_annotations,
    route_labels,
)
from knstack.expand.routing.hosts import default_host, tag_header_routing, tag_host
from knstack.expand.routing.interceptor import InterceptorRoutes
from knstack.naming import tag_object_name
from knstack.resolve.model import RoutePlan, ServingPlan
from knstack.stack.settings import ClusterSettings

GATEWAY_API_VERSION = "gateway.networking.k8s.io/v1"
_ROOT = {"path": {"type": "PathPrefix", "value": "/"}}


def build_httproutes(
    plan: ServingPlan,
    route: RoutePlan,
    settings: ClusterSettings,
    interceptor: InterceptorRoutes | None = None,
) -> list[dict[str, Any]]:
    """One HTTPRoute for the default host and one per tag; none for a cluster-local route."""
    if route.cluster_local:
        return []
    interceptor = interceptor or {}
    headers = tag_header_routing(settings)

    def backends(weighted: list[tuple[str, int]]) -> list[Backend]:
        return revision_backends(plan, route, weighted, settings, interceptor)

    rules = []
    if headers:
        for tag, revision in route.tags():
            match = {**_ROOT, "headers": [{"type": "Exact", "name": TAG_HEADER, "value": tag}]}
            rules.append(_rule(route, backends([(revision, 100)]), match=match))
    default_filters = [_set_header(DEFAULT_ROUTE_HEADER, "true")] if headers else []
    rules.append(_rule(route, backends(route.weighted_revisions()), filters=default_filters))
    routes = [_httproute(route.name, route, default_host(route, settings.domain), rules, settings)]
    for tag, revision in route.tags():
        filters = [_set_header(TAG_HEADER, tag)] if headers else []
        rule = _rule(route, backends([(revision, 100)]), filters=filters)
        host = tag_host(route, tag, settings.domain)
        routes.append(
            _httproute(tag_object_name(tag, route.name), route, host, [rule], settings, tag=tag)
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


def weighted_backend_refs(
    plan: ServingPlan, route: RoutePlan, backends: list[tuple[str, int]]
) -> list[dict[str, Any]]:
    """backendRefs straight to the revision Services (in-cluster routes)."""
    return [
        {
            "group": "",
            "kind": "Service",
            "name": revision,
            "port": backend_port(plan, route, revision),
            "weight": weight,
        }
        for revision, weight in backends
    ]


def backend_refs(route: RoutePlan, backends: list[Backend]) -> list[dict[str, Any]]:
    refs = []
    for backend in backends:
        ref: dict[str, Any] = {"group": "", "kind": "Service", "name": backend.service}
        if backend.namespace != route.namespace:
            ref["namespace"] = backend.namespace
        ref["port"] = backend.port
        ref["weight"] = backend.weight
        if backend.request_headers:
            ref["filters"] = [_set_headers(backend.request_headers)]
        refs.append(ref)
    return refs


def _rule(
    route: RoutePlan,
    backends: list[Backend],
    *,
    match: dict[str, Any] | None = None,
    filters: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    rule: dict[str, Any] = {"matches": [match or _ROOT]}
    if filters:
        rule["filters"] = filters
    rule["backendRefs"] = backend_refs(route, backends)
    return rule


def _set_header(name: str, value: str) -> dict[str, Any]:
    return _set_headers(((name, value),))


def _set_headers(headers: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    values = [{"name": name, "value": value} for name, value in headers]
    return {"type": "RequestHeaderModifier", "requestHeaderModifier": {"set": values}}


def _httproute(
    name: str,
    route: RoutePlan,
    host: str,
    rules: list[dict[str, Any]],
    settings: ClusterSettings,
    tag: str | None = None,
) -> dict[str, Any]:
    labels = route_labels(route, tag)
    return {
        "apiVersion": GATEWAY_API_VERSION,
        "kind": "HTTPRoute",
        "metadata": object_meta(name, route.namespace, labels, route_annotations(route)),
        "spec": {
            "parentRefs": [parent_ref(settings)],
            "hostnames": [host],
            "rules": rules,
        },
    }
