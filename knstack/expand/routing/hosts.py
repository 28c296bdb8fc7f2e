"""Route hostnames (Knative config-network domain-template and tag-template, knative/serving pkg/reconciler/route/domains/domains.go)."""

from __future__ import annotations

from knstack.resolve.model import RoutePlan
from knstack.stack.settings import ClusterSettings


def default_host(route: RoutePlan, domain: str) -> str:
    """`{{.Name}}.{{.Namespace}}.{{.Domain}}`"""
    return f"{route.name}.{route.namespace}.{domain}"


def tag_name(tag: str, route_name: str) -> str:
    """`{{.Tag}}-{{.Name}}`: the name a tag gets in hosts and in object names."""
    return f"{tag}-{route_name}"


def tag_host(route: RoutePlan, tag: str, domain: str) -> str:
    return f"{tag_name(tag, route.name)}.{route.namespace}.{domain}"


def cluster_local_host(name: str, namespace: str) -> str:
    return f"{name}.{namespace}.svc.cluster.local"


TAG_HEADER_ROUTING = "tag-header-based-routing"


def tag_header_routing(settings: ClusterSettings) -> bool:
    """Knative's `tag-header-based-routing` feature: `Knative-Serving-Tag` picks a tag."""
    return settings.stack.serving_context().feature_on(TAG_HEADER_ROUTING)


def host_revisions(route: RoutePlan, settings: ClusterSettings) -> list[tuple[str, list[str]]]:
    """Each public host of a route and the revisions its requests can reach (knative/serving pkg/reconciler/route/resources/ingress.go).

    The default host reaches every weighted revision, and with tag-header routing also
    each tagged one; a tag host reaches its own revision only.
    """
    default = [revision for revision, _ in route.weighted_revisions()]
    if tag_header_routing(settings):
        default += [revision for _, revision in route.tags() if revision not in default]
    hosts = [(default_host(route, settings.domain), default)]
    hosts += [(tag_host(route, tag, settings.domain), [revision]) for tag, revision in route.tags()]
    return hosts
