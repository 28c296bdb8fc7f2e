"""Routing objects per gateway kind; the environment (or cluster) chooses the gateway."""

from __future__ import annotations

from knstack.expand.result import Expansion
from knstack.expand.routing.cluster_local import build_cluster_local_routing
from knstack.expand.routing.gateway_api import build_httproutes
from knstack.resolve.model import RoutePlan, ServingPlan
from knstack.stack.settings import ClusterSettings

ROLLOUT_DURATION = "serving.knative.dev/rollout-duration"


def build_route_objects(plan: ServingPlan, route: RoutePlan, settings: ClusterSettings) -> Expansion:
    out = Expansion()
    if not route.weighted_revisions():
        out.warnings.append(f"{route.ref}: no traffic targets, nothing is routed")
        return out
    if ROLLOUT_DURATION in route.annotations:
        out.warnings.append(
            f"{route.ref}: {ROLLOUT_DURATION} needs Knative's controller; the kubernetes backend "
            "switches traffic at once (use the environment's canary stages instead)"
        )
    if route.cluster_local:
        manifests, warnings = build_cluster_local_routing(plan, route)
        out.manifests += manifests
        out.warnings += warnings
        return out
    out.manifests += build_httproutes(plan, route, settings)
    return out
