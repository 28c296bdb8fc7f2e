"""The `kubernetes` backend: every routed revision becomes plain Kubernetes objects.

Per revision: a Deployment, a Service and (HPA class) an HPA. Per route: the gateway's
objects for the default host and each tag host, or in-cluster Services when the route is
cluster-local.
"""

from __future__ import annotations

from knstack.expand.autoscaling import autoscaling_warnings, build_revision_hpa
from knstack.expand.deployment import build_revision_deployment
from knstack.expand.namespace import UNMANAGED_NAMESPACES, build_namespace
from knstack.expand.result import Expansion
from knstack.expand.routing import build_route_objects
from knstack.expand.services import build_revision_service
from knstack.resolve.model import ServingPlan
from knstack.stack.settings import ClusterSettings


def expand_kubernetes(plan: ServingPlan, settings: ClusterSettings) -> Expansion:
    out = Expansion(warnings=list(plan.warnings))
    if settings.stack.manage_namespaces:
        out.manifests += [build_namespace(ns) for ns in plan.namespaces() if ns not in UNMANAGED_NAMESPACES]
    for rev in plan.revisions:
        out.manifests.append(build_revision_deployment(rev, settings))
        out.manifests.append(build_revision_service(rev))
        hpa = build_revision_hpa(rev)
        if hpa is not None:
            out.manifests.append(hpa)
        out.warnings += autoscaling_warnings(rev)
    for route in plan.routes:
        out.extend(build_route_objects(plan, route, settings))
    return out
