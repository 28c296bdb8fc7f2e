"""What the Ingress-based gateways (nginx, alb) share: objects, checks, refusals.

Both controllers split traffic between a main Ingress and a canary Ingress for the same
host and path, with weight annotations; neither can set a request header per backend
nor speak h2c to a backend without per-Ingress protocol settings (which a canary Ingress
inherits from the main one). Routes that need those are refused with a suggestion.
"""

from __future__ import annotations

from typing import Any

from knstack.expand.labels import object_meta, sorted_map
from knstack.expand.routing.backends import Backend, revision_backends
from knstack.expand.routing.common import route_annotations, route_error, route_labels
from knstack.expand.routing.hosts import tag_host
from knstack.expand.routing.interceptor import InterceptorRoutes
from knstack.expand.services import revision_service_port
from knstack.naming import canary_ingress_name, tag_object_name
from knstack.resolve.model import RoutePlan, ServingPlan
from knstack.stack.settings import ClusterSettings

INGRESS_API_VERSION = "networking.k8s.io/v1"
ALTERNATIVES = "the gateway-api or istio gateway (knstack:gateway kind, per environment or cluster)"


def main_and_canary(route: RoutePlan, kind: str) -> tuple[tuple[str, int], tuple[str, int] | None]:
    """The first-listed revision is the main Ingress's, a second one the canary's.

    Keeping the declaration order (not the larger share) keeps the main Ingress stable
    while a canary's percent grows stage by stage.
    """
    weighted = route.weighted_revisions()
    if len(weighted) > 2:
        names = ", ".join(f"{rev} ({pct}%)" for rev, pct in weighted)
        raise route_error(
            route,
            f"splits traffic between {len(weighted)} revisions ({names}); the {kind} gateway "
            f"carries one main and one canary revision per host. Use {ALTERNATIVES}, or "
            "route to at most two revisions",
        )
    return weighted[0], (weighted[1] if len(weighted) == 2 else None)


def check_backends(route: RoutePlan, kind: str, plan: ServingPlan, backends: list[Backend]) -> None:
    """Refuse what an Ingress cannot express: per-backend headers, h2c backends."""
    for backend in backends:
        if backend.request_headers:
            raise route_error(
                route,
                f"revision {backend.revision} shares a host with another revision scaled by the "
                f"KEDA HTTP add-on; the interceptor then needs a per-revision header, which the "
                f"{kind} gateway cannot set. Use {ALTERNATIVES}, or give one of them the HPA class",
            )
        if revision_service_port(plan.revision(route.namespace, backend.revision)) != 80:
            raise route_error(
                route,
                f"revision {backend.revision} serves h2c (a port named h2c); the {kind} gateway "
                f"speaks HTTP/1 to its backends. Use {ALTERNATIVES}",
            )


def ingress(
    name: str,
    route: RoutePlan,
    settings: ClusterSettings,
    host: str,
    backend: Backend,
    *,
    annotations: dict[str, str] | None = None,
    tag: str | None = None,
) -> dict[str, Any]:
    labels = route_labels(route, tag)
    path = {
        "path": "/",
        "pathType": "Prefix",
        "backend": {"service": {"name": backend.service, "port": {"number": backend.port}}},
    }
    return {
        "apiVersion": INGRESS_API_VERSION,
        "kind": "Ingress",
        "metadata": object_meta(
            name,
            route.namespace,
            labels,
            sorted_map({**route_annotations(route), **(annotations or {})}),
        ),
        "spec": {
            "ingressClassName": settings.gateway.ingress_class_name,
            "rules": [{"host": host, "http": {"paths": [path]}}],
        },
    }


def single_backend(
    plan: ServingPlan,
    route: RoutePlan,
    settings: ClusterSettings,
    interceptor: InterceptorRoutes,
    revision: str,
    weight: int,
) -> Backend:
    """The backend of one revision (an Ingress carries exactly one)."""
    return revision_backends(plan, route, [(revision, weight)], settings, interceptor)[0]


def tag_host_ingresses(
    route: RoutePlan, settings: ClusterSettings, tag_backends: list[tuple[str, Backend]]
) -> list[dict[str, Any]]:
    """One Ingress per tag host, at 100% to the tagged revision."""
    return [
        ingress(
            tag_ingress_name(tag, route),
            route,
            settings,
            tag_host(route, tag, settings.domain),
            tagged,
            tag=tag,
        )
        for tag, tagged in tag_backends
    ]


def canary_name(route: RoutePlan) -> str:
    return canary_ingress_name(route.name)


def tag_ingress_name(tag: str, route: RoutePlan) -> str:
    return tag_object_name(tag, route.name)
