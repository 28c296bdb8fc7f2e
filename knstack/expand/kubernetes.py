"""The `kubernetes` backend: every routed revision becomes plain Kubernetes objects.

Per revision: a Deployment, a Service, its autoscaler (HPA, KEDA ScaledObject or
HTTPScaledObject, or fixed replicas), a reserved Deployment and a PodDisruptionBudget
where they apply, each carrying the owner's policy waivers. Per route: the gateway's
objects for the default host and each tag host, or in-cluster Services when the route is
cluster-local. The autoscaling decisions are made first, because the gateways route
request-scaled revisions through the KEDA HTTP add-on's interceptor.
"""

from __future__ import annotations

from knstack.errors import InputError, Problem, raise_if_any
from knstack.expand.autoscaling import build_revision_autoscaling, plan_scaling
from knstack.expand.deployment import build_revision_deployment
from knstack.expand.namespace import UNMANAGED_NAMESPACES, build_namespace
from knstack.expand.result import Expansion
from knstack.expand.routing import build_route_objects
from knstack.expand.routing.interceptor import build_interceptor_access
from knstack.expand.services import build_revision_service
from knstack.expand.waivers import configuration_waivers, revision_waivers, with_waivers
from knstack.resolve.model import ServingPlan
from knstack.stack.settings import ClusterSettings


def expand_kubernetes(plan: ServingPlan, settings: ClusterSettings) -> Expansion:
    out = Expansion(warnings=list(plan.warnings))
    if settings.stack.manage_namespaces:
        out.manifests += [
            build_namespace(ns) for ns in plan.namespaces() if ns not in UNMANAGED_NAMESPACES
        ]
    scaling = plan_scaling(plan, settings)
    waivers = configuration_waivers(plan)
    for rev in plan.revisions:
        decision = scaling.of(rev)
        objects = Expansion(
            manifests=[
                build_revision_deployment(rev, settings, replicas=decision.replicas),
                build_revision_service(rev),
            ]
        )
        objects.extend(build_revision_autoscaling(decision, settings))
        carried = revision_waivers(waivers, rev)
        out.manifests += [with_waivers(m, carried) for m in objects.manifests]
        out.warnings += objects.warnings
    problems: list[Problem] = []
    for route in plan.routes:
        try:
            out.extend(build_route_objects(plan, route, settings, scaling.interceptor))
        except InputError as err:  # report every route the gateway refuses, in one go
            problems += err.problems
    raise_if_any(problems)
    out.manifests += build_interceptor_access(plan, settings, scaling.interceptor)
    return out
