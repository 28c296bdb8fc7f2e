"""Istio VirtualServices for a Knative Route, bound to an Istio Gateway.

Like Knative's net-istio: the default host's VirtualService routes to the per-revision
Services with the Route's percents as weights (any number of revisions); each tag host
gets its own VirtualService sending everything to its revision. With the feature
`tag-header-based-routing`, the default host first matches `Knative-Serving-Tag: <tag>`
exactly and sends those requests to the tag's revision; the default route then sets
`Knative-Serving-Default-Route: true` and tag hosts set `Knative-Serving-Tag` (knative/serving pkg/reconciler/route/resources/ingress.go).

A revision scaled by the KEDA HTTP add-on is reached through the interceptor's Service;
when the interceptor needs the revision's name, the destination sets
`Knative-Serving-Revision` (Istio sets headers per destination).
"""

from __future__ import annotations

from typing import Any

from knstack.expand.labels import object_meta
from knstack.expand.routing.backends import Backend, revision_backends
from knstack.expand.routing.common import (
    DEFAULT_ROUTE_HEADER,
    TAG_HEADER,
    route_annotations,
    route_labels,
)
from knstack.expand.routing.hosts import default_host, tag_header_routing, tag_host
from knstack.expand.routing.interceptor import InterceptorRoutes
from knstack.naming import tag_object_name
from knstack.resolve.model import RoutePlan, ServingPlan
from knstack.stack.settings import ClusterSettings

ISTIO_API_VERSION = "networking.istio.io/v1"


def build_virtual_services(
    plan: ServingPlan,
    route: RoutePlan,
    settings: ClusterSettings,
    interceptor: InterceptorRoutes | None = None,
) -> list[dict[str, Any]]:
    """One VirtualService for the default host and one per tag; none for cluster-local."""
    if route.cluster_local:
        return []
    interceptor = interceptor or {}
    headers = tag_header_routing(settings)

    def destinations(weighted: list[tuple[str, int]]) -> list[dict[str, Any]]:
        return [
            _destination(b) for b in revision_backends(plan, route, weighted, settings, interceptor)
        ]

    http: list[dict[str, Any]] = []
    if headers:
        for tag, revision in route.tags():
            match = [{"headers": {TAG_HEADER: {"exact": tag}}}]
            http.append({"match": match, "route": destinations([(revision, 100)])})
    default: dict[str, Any] = {"route": destinations(route.weighted_revisions())}
    if headers:
        default["headers"] = _set({DEFAULT_ROUTE_HEADER: "true"})
    http.append(default)
    services = [
        _virtual_service(route.name, route, default_host(route, settings.domain), http, settings)
    ]
    for tag, revision in route.tags():
        rule: dict[str, Any] = {"route": destinations([(revision, 100)])}
        if headers:
            rule["headers"] = _set({TAG_HEADER: tag})
        host = tag_host(route, tag, settings.domain)
        services.append(
            _virtual_service(
                tag_object_name(tag, route.name), route, host, [rule], settings, tag=tag
            )
        )
    return services


def gateway_name(settings: ClusterSettings) -> str:
    """The Istio Gateway as a VirtualService names it: `<namespace>/<name>`."""
    return f"{settings.gateway.namespace}/{settings.gateway.name}"


def _destination(backend: Backend) -> dict[str, Any]:
    destination: dict[str, Any] = {
        "destination": {"host": backend.fqdn(), "port": {"number": backend.port}},
        "weight": backend.weight,
    }
    if backend.request_headers:
        destination["headers"] = _set(dict(backend.request_headers))
    return destination


def _set(headers: dict[str, str]) -> dict[str, Any]:
    return {"request": {"set": headers}}


def _virtual_service(
    name: str,
    route: RoutePlan,
    host: str,
    http: list[dict[str, Any]],
    settings: ClusterSettings,
    tag: str | None = None,
) -> dict[str, Any]:
    labels = route_labels(route, tag)
    return {
        "apiVersion": ISTIO_API_VERSION,
        "kind": "VirtualService",
        "metadata": object_meta(name, route.namespace, labels, route_annotations(route)),
        "spec": {"hosts": [host], "gateways": [gateway_name(settings)], "http": http},
    }
