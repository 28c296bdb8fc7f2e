"""NGINX Ingress (ingress-nginx) for a Knative Route: a main and a canary Ingress.

The default host gets a main Ingress for the first-listed revision and, for a split, a
canary Ingress (`nginx.ingress.kubernetes.io/canary`) whose `canary-weight` is the second
revision's percent. ingress-nginx applies at most one canary Ingress per host and path,
so a Route that splits between more than two revisions is refused (Gateway API or Istio
carry any number). Each tag host gets its own Ingress for its revision. Alibaba Cloud's
NGINX Ingress controller behind an SLB (CLB) reads the same annotations.

Tag-header routing (feature `tag-header-based-routing`) becomes the canary Ingress's
`canary-by-header: Knative-Serving-Tag` match, so it works when the tagged revisions are
the canary one (or, without a split, one other revision); ingress-nginx evaluates a
header match before the weight. Other layouts are refused. ingress-nginx cannot set
request headers without configuration snippets, so Knative's appended headers are not
set.
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
from knstack.resolve.model import RoutePlan, ServingPlan
from knstack.stack.settings import ClusterSettings

PREFIX = "nginx.ingress.kubernetes.io/"
CANARY = PREFIX + "canary"
CANARY_WEIGHT = PREFIX + "canary-weight"
CANARY_BY_HEADER = PREFIX + "canary-by-header"
CANARY_BY_HEADER_VALUE = PREFIX + "canary-by-header-value"
CANARY_BY_HEADER_PATTERN = PREFIX + "canary-by-header-pattern"


def build_nginx_ingresses(
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

    (main, main_percent), canary = main_and_canary(route, "nginx")
    header_revision: str | None = None
    header_tags: list[str] = []
    if tag_header_routing(settings):
        header_revision, header_tags = _header_canary(route, main, canary[0] if canary else None)
    canary_revision = canary[0] if canary else header_revision
    host = default_host(route, settings.domain)
    backends = [backend(main, main_percent)]
    if canary_revision is not None:
        backends.append(backend(canary_revision, canary[1] if canary else 0))
    tag_backends = [(tag, backend(revision, 100)) for tag, revision in route.tags()]
    check_backends(route, "nginx", plan, backends + [b for _, b in tag_backends])

    objects = [ingress(route.name, route, settings, host, backends[0])]
    if canary_revision is not None:
        annotations = {CANARY: "true"}
        if canary:
            annotations[CANARY_WEIGHT] = str(canary[1])
        if header_tags:
            annotations[CANARY_BY_HEADER] = TAG_HEADER
            if len(header_tags) == 1:
                annotations[CANARY_BY_HEADER_VALUE] = header_tags[0]
            else:
                annotations[CANARY_BY_HEADER_PATTERN] = f"^({'|'.join(header_tags)})$"
        objects.append(
            ingress(canary_name(route), route, settings, host, backends[1], annotations=annotations)
        )
    objects += tag_host_ingresses(route, settings, tag_backends)
    return objects


def _header_canary(route: RoutePlan, main: str, canary: str | None) -> tuple[str | None, list[str]]:
    """The revision the `Knative-Serving-Tag` header may pick (the canary), and its tags."""
    by_revision: dict[str, list[str]] = {}
    for tag, revision in route.tags():
        by_revision.setdefault(revision, []).append(tag)
    if canary is not None and main in by_revision:
        raise route_error(
            route,
            f"with tag-header routing, {TAG_HEADER}: {by_revision[main][0]} must reach {main} "
            f"only, but {main} is the main revision of a weighted split; the nginx gateway's "
            f"header match can pick only the canary revision. Use {ALTERNATIVES}",
        )
    others = [revision for revision in by_revision if revision not in (main, canary)]
    allowed = [canary] if canary is not None else others[:1]
    refused = [revision for revision in others if revision not in allowed]
    if refused:
        raise route_error(
            route,
            f"with tag-header routing, the tags reach {len(others) + (canary is not None)} "
            "revisions besides the main one; the nginx gateway has one canary Ingress per "
            f"host. Use {ALTERNATIVES}",
        )
    target = canary if canary is not None else (others[0] if others else None)
    return target, (by_revision.get(target, []) if target else [])
