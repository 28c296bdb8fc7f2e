"""Routing through the KEDA HTTP add-on's interceptor (request-driven scaling).

A KPA-class revision scaled by the add-on is reached through its interceptor: the
gateway sends the revision's share of a host to the interceptor's Service, which counts
the requests, holds them while the revision scales from zero, and forwards them to the
revision's Service. The interceptor picks the revision by host; when two such revisions
share a host, the gateway also sets `Knative-Serving-Revision: <revision>` (the header
Knative appends to every split, knative/serving pkg/reconciler/route/resources/ingress.go) and the HTTPScaledObject matches on it.

This module decides, once per expansion, the hosts and header of each such revision
(autoscaling writes them into the HTTPScaledObject, the gateways into their routes), and
builds what a gateway needs to reach the interceptor in its own namespace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from knstack.expand.labels import object_meta
from knstack.expand.routing.hosts import cluster_local_host, host_revisions
from knstack.resolve.model import ServingPlan
from knstack.stack.settings import ClusterSettings
from knstack.vocabulary import MANAGED_BY, MANAGED_BY_LABEL

GATEWAY_API_GROUP = "gateway.networking.k8s.io"
MANAGED_BY_LABELS = {MANAGED_BY_LABEL: MANAGED_BY}

RevisionKey = tuple[str, str]  # (namespace, revision)


@dataclass(frozen=True)
class InterceptorRoute:
    """How requests for one revision reach it through the interceptor."""

    hosts: tuple[str, ...]
    revision_header: bool  # the gateway sets Knative-Serving-Revision: <revision>


InterceptorRoutes = Mapping[RevisionKey, InterceptorRoute]


def plan_interceptor_routes(
    plan: ServingPlan, settings: ClusterSettings, candidates: Iterable[RevisionKey]
) -> dict[RevisionKey, InterceptorRoute]:
    """The public hosts of each candidate revision, and whether it shares one."""
    wanted = set(candidates)
    hosts: dict[RevisionKey, list[str]] = {}
    by_host: dict[str, set[RevisionKey]] = {}
    for route in plan.routes:
        if route.cluster_local:
            continue
        for host, revisions in host_revisions(route, settings):
            for revision in revisions:
                key = (route.namespace, revision)
                if key not in wanted:
                    continue
                if host not in hosts.setdefault(key, []):
                    hosts[key].append(host)
                by_host.setdefault(host, set()).add(key)
    shared = {key for keys in by_host.values() if len(keys) > 1 for key in keys}
    return {key: InterceptorRoute(tuple(found), key in shared) for key, found in hosts.items()}


def build_interceptor_access(
    plan: ServingPlan, settings: ClusterSettings, routes: InterceptorRoutes
) -> list[dict[str, Any]]:
    """What lets the gateway's routes reach the interceptor from each app namespace.

    gateway-api: a ReferenceGrant in the interceptor's namespace (a cross-namespace
    backendRef needs one). nginx: an ExternalName Service in the app namespace (Ingress
    backends are local Services; ingress-nginx resolves ExternalName ones). istio: none,
    a destination host may be in any namespace. alb refuses interceptor backends.
    """
    interceptor = settings.keda_http_add_on.interceptor
    namespaces = sorted(
        {r.namespace for r in plan.routes if not r.cluster_local}
        & {namespace for namespace, _ in routes}
    )
    namespaces = [ns for ns in namespaces if ns != interceptor.namespace]
    kind = settings.gateway.kind
    if kind == "gateway-api":
        return [_reference_grant(ns, settings) for ns in namespaces]
    if kind == "nginx":
        return [_external_name_service(ns, settings) for ns in namespaces]
    return []


def _reference_grant(namespace: str, settings: ClusterSettings) -> dict[str, Any]:
    interceptor = settings.keda_http_add_on.interceptor
    return {
        "apiVersion": f"{GATEWAY_API_GROUP}/v1",
        "kind": "ReferenceGrant",
        "metadata": object_meta(
            f"httproutes-from-{namespace}", interceptor.namespace, dict(MANAGED_BY_LABELS)
        ),
        "spec": {
            "from": [{"group": GATEWAY_API_GROUP, "kind": "HTTPRoute", "namespace": namespace}],
            "to": [{"group": "", "kind": "Service", "name": interceptor.name}],
        },
    }


def _external_name_service(namespace: str, settings: ClusterSettings) -> dict[str, Any]:
    interceptor = settings.keda_http_add_on.interceptor
    port = {
        "name": "http",
        "port": interceptor.port,
        "protocol": "TCP",
        "targetPort": interceptor.port,
    }
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": object_meta(interceptor.name, namespace, dict(MANAGED_BY_LABELS)),
        "spec": {
            "type": "ExternalName",
            "externalName": cluster_local_host(interceptor.name, interceptor.namespace),
            "ports": [port],
        },
    }
