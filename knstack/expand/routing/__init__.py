"""Routing objects per gateway kind; the environment (or cluster) chooses the gateway.

Every kind carries the Route's percents and tag hosts, or refuses the Route with an
error naming it (`knstack.expand.routing.common.route_error`). Cluster-local routes do
not pass through a gateway: they become in-cluster Services whatever the kind.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from knstack.expand.result import Expansion
from knstack.expand.routing.alb import build_alb_ingresses
from knstack.expand.routing.cluster_local import build_cluster_local_routing
from knstack.expand.routing.gateway_api import build_httproutes
from knstack.expand.routing.interceptor import InterceptorRoutes
from knstack.expand.routing.istio import build_virtual_services
from knstack.expand.routing.nginx import build_nginx_ingresses
from knstack.resolve.model import RoutePlan, ServingPlan
from knstack.stack.settings import ClusterSettings
from knstack.vocabulary import ROLLOUT_DURATION_ANNOTATION

GatewayBuilder = Callable[
    [ServingPlan, RoutePlan, ClusterSettings, InterceptorRoutes], list[dict[str, Any]]
]
GATEWAYS: dict[str, GatewayBuilder] = {
    "gateway-api": build_httproutes,
    "nginx": build_nginx_ingresses,
    "alb": build_alb_ingresses,
    "istio": build_virtual_services,
}


def build_route_objects(
    plan: ServingPlan,
    route: RoutePlan,
    settings: ClusterSettings,
    interceptor: InterceptorRoutes | None = None,
) -> Expansion:
    out = Expansion()
    if not route.weighted_revisions():
        out.warnings.append(f"{route.ref}: no traffic targets, nothing is routed")
        return out
    if ROLLOUT_DURATION_ANNOTATION in route.annotations:
        out.warnings.append(
            f"{route.ref}: {ROLLOUT_DURATION_ANNOTATION} needs Knative's controller; the kubernetes backend "
            "switches traffic at once (use the environment's canary stages instead)"
        )
    if route.cluster_local:
        manifests, warnings = build_cluster_local_routing(plan, route)
        out.manifests += manifests
        out.warnings += warnings
        return out
    out.manifests += GATEWAYS[settings.gateway.kind](plan, route, settings, interceptor or {})
    return out
