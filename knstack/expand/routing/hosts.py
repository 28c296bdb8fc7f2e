"""Route hostnames (Knative config-network domain-template and tag-template, facts 2.2)."""

from __future__ import annotations

from knstack.resolve.model import RoutePlan


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
