"""What the components report: URLs and traffic tables, shaped like Knative's status.

A Route's status carries `url` (its default host), `address.url` (the cluster-local one)
and `traffic` (revisionName, percent, tag, latestRevision, and a `url` for tagged targets);
a Configuration's carries `latestCreatedRevisionName`. knstack knows all of them before
anything runs, so they are plain values, known at preview. Pure functions, no Pulumi.
"""

from __future__ import annotations

from typing import Any

from knstack.expand.routing.hosts import cluster_local_host, default_host, tag_host
from knstack.naming import tag_object_name
from knstack.resolve.model import ConfigurationPlan, RoutePlan
from knstack.stack.settings import ClusterSettings


def external_scheme(settings: ClusterSettings) -> str:
    """Knative's rule: https with external-domain-tls, else config-network's default scheme."""
    network = settings.stack.knative.config.network
    if network.external_domain_tls == "Enabled":
        return "https"
    return network.default_external_scheme


def cluster_local_scheme(settings: ClusterSettings) -> str:
    enabled = settings.stack.knative.config.network.cluster_local_domain_tls == "Enabled"
    return "https" if enabled else "http"


def route_url(route: RoutePlan, settings: ClusterSettings) -> str:
    if route.cluster_local:
        return (
            f"{cluster_local_scheme(settings)}://{cluster_local_host(route.name, route.namespace)}"
        )
    return f"{external_scheme(settings)}://{default_host(route, settings.domain)}"


def tag_url(route: RoutePlan, tag: str, settings: ClusterSettings) -> str:
    if route.cluster_local:
        host = cluster_local_host(tag_object_name(tag, route.name), route.namespace)
        return f"{cluster_local_scheme(settings)}://{host}"
    return f"{external_scheme(settings)}://{tag_host(route, tag, settings.domain)}"


def address_url(route: RoutePlan, settings: ClusterSettings) -> str:
    """The in-cluster address (Knative's `status.address.url`)."""
    return f"{cluster_local_scheme(settings)}://{cluster_local_host(route.name, route.namespace)}"


def traffic_table(route: RoutePlan, settings: ClusterSettings) -> list[dict[str, Any]]:
    """The route's traffic as Knative's `status.traffic`: one entry per target, in order."""
    table: list[dict[str, Any]] = []
    for split in route.traffic:
        entry: dict[str, Any] = {
            "revisionName": split.revision,
            "percent": split.percent,
            "latestRevision": split.latest,
        }
        if split.tag:
            entry["tag"] = split.tag
            entry["url"] = tag_url(route, split.tag, settings)
        table.append(entry)
    return table


def route_outputs(route: RoutePlan, settings: ClusterSettings) -> dict[str, Any]:
    return {
        "url": route_url(route, settings),
        "address": address_url(route, settings),
        "visibility": "cluster-local" if route.cluster_local else "external",
        "tags": {tag: tag_url(route, tag, settings) for tag, _ in route.tags()},
        "traffic": traffic_table(route, settings),
    }


def configuration_outputs(configuration: ConfigurationPlan, served: list[str]) -> dict[str, Any]:
    """`served`: the revisions this cluster runs for the configuration (routed or tagged)."""
    return {
        "latestCreatedRevisionName": configuration.latest.name,
        "revisions": served,
    }


def service_outputs(
    configuration: ConfigurationPlan, route: RoutePlan, served: list[str], settings: ClusterSettings
) -> dict[str, Any]:
    return {
        **route_outputs(route, settings),
        **configuration_outputs(configuration, served),
    }
