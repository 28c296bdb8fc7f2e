"""Alibaba Cloud ALB Ingress for a Knative Route: the split happens in the load balancer.

The ALB Ingress controller (ingress class `alb` by default) documents canary Ingresses:
`alb.ingress.kubernetes.io/canary: "true"` with `canary-weight` (0-100) for a weighted
share, or `canary-by-header` / `canary-by-header-value` for a header match, evaluated
before weights; header and weight rules go on separate Ingresses. So the default host
gets a main Ingress (first-listed revision) and, for a split, one weighted canary
Ingress; a Route needing more than one weighted canary is refused. Tag hosts get their
own Ingress. With tag-header routing, each tag gets a header canary Ingress on the
default host, so any number of tags is carried.

The ALB forwards to the pods of Services in the route's namespace, so it cannot reach
the KEDA HTTP add-on's interceptor; revisions scaled by it are refused on this gateway.
For Alibaba Cloud's SLB (CLB), use the nginx gateway: ACK's NGINX Ingress controller runs
behind an SLB and reads the ingress-nginx canary annotations.
"""

from __future__ import annotations

from typing import Any

from knstack.expand.routing.backends import Backend
from knstack.expand.routing.common import TAG_HEADER, route_error
from knstack.expand.routing.hosts import default_host, tag_header_routing
from knstack.expand.routing.ingress import (
    ALTERNATIVES,
    canary_name,
    check_backends,
    ingress,
    main_and_canary,
    single_backend,
    tag_host_ingresses,
)
from knstack.expand.routing.interceptor import InterceptorRoutes
from knstack.naming import tag_header_ingress_name
from knstack.resolve.model import RoutePlan, ServingPlan
from knstack.stack.settings import ClusterSettings

PREFIX = "alb.ingress.kubernetes.io/"
CANARY = PREFIX + "canary"
CANARY_WEIGHT = PREFIX + "canary-weight"
CANARY_BY_HEADER = PREFIX + "canary-by-header"
CANARY_BY_HEADER_VALUE = PREFIX + "canary-by-header-value"


def build_alb_ingresses(
    plan: ServingPlan,
    route: RoutePlan,
    settings: ClusterSettings,
    interceptor: InterceptorRoutes | None = None,
) -> list[dict[str, Any]]:
    if route.cluster_local:
        return []
    interceptor = interceptor or {}

    def backend(revision: str, weight: int) -> Backend:
        return single_backend(plan, route, settings, interceptor, revision, weight)

    (main, main_percent), canary = main_and_canary(route, "alb")
    host = default_host(route, settings.domain)
    backends = [backend(main, main_percent)]
    if canary:
        backends.append(backend(*canary))
    tag_backends = [(tag, backend(revision, 100)) for tag, revision in route.tags()]
    every = backends + [b for _, b in tag_backends]
    for found in every:
        if found.via_interceptor:
            raise route_error(
                route,
                f"revision {found.revision} is scaled by the KEDA HTTP add-on, whose interceptor "
                "the alb gateway cannot reach (ALB forwards to the pods of Services in the "
                f"route's namespace). Use the nginx gateway or {ALTERNATIVES} for this cluster, "
                "or turn off knstack:kedaHttpAddOn for it",
            )
    check_backends(route, "alb", plan, every)

    objects = [ingress(route.name, route, settings, host, backends[0])]
    if canary:
        annotations = {CANARY: "true", CANARY_WEIGHT: str(canary[1])}
        objects.append(
            ingress(canary_name(route), route, settings, host, backends[1], annotations=annotations)
        )
    if tag_header_routing(settings):
        for tag, tagged in tag_backends:
            annotations = {
                CANARY: "true",
                CANARY_BY_HEADER: TAG_HEADER,
                CANARY_BY_HEADER_VALUE: tag,
            }
            name = tag_header_ingress_name(route.name, tag)
            objects.append(
                ingress(name, route, settings, host, tagged, annotations=annotations, tag=tag)
            )
    objects += tag_host_ingresses(route, settings, tag_backends)
    return objects
