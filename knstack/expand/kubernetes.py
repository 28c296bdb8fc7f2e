"""The `kubernetes` backend: every routed revision becomes plain Kubernetes objects.

Per revision: a Deployment, a Service, (HPA class) an HPA and (min-scale >= 2) a
PodDisruptionBudget, each carrying the owner's policy waivers. Per route: the gateway's
objects for the default host and each tag host, or in-cluster Services when the route is
cluster-local.
"""

from __future__ import annotations

from knstack.expand.autoscaling import autoscaling_warnings, build_revision_hpa
from knstack.expand.deployment import build_revision_deployment
from knstack.expand.disruption import build_revision_pdb
from knstack.expand.namespace import UNMANAGED_NAMESPACES, build_namespace
from knstack.expand.result import Expansion
from knstack.expand.routing import build_route_objects
from knstack.expand.services import build_revision_service
from knstack.expand.waivers import revision_waivers, with_waivers
from knstack.resolve.model import ServingPlan
from knstack.stack.settings import ClusterSettings


def expand_kubernetes(plan: ServingPlan, settings: ClusterSettings) -> Expansion:
    out = Expansion(warnings=list(plan.warnings))
    if settings.stack.manage_namespaces:
        out.manifests += [build_namespace(ns) for ns in plan.namespaces() if ns not in UNMANAGED_NAMESPACES]
    for rev in plan.revisions:
        objects = [
            build_revision_deployment(rev, settings),
            build_revision_service(rev),
            build_revision_hpa(rev),
            build_revision_pdb(rev),
        ]
        waivers = revision_waivers(plan, rev)
        out.manifests += [with_waivers(obj, waivers) for obj in objects if obj is not None]
        out.warnings += autoscaling_warnings(rev)
    for route in plan.routes:
        out.extend(build_route_objects(plan, route, settings))
    return out
