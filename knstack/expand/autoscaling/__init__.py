"""The autoscaler of each revision, chosen from its Knative annotations and the cluster.

| class | when                                    | objects                                   |
|-------|-----------------------------------------|-------------------------------------------|
| HPA   | -                                       | HorizontalPodAutoscaler (hpa.py)          |
| HPA   | `knstack.dev/schedule`                  | KEDA ScaledObject: cron + cpu/memory      |
| KPA   | KEDA HTTP add-on, public routes only    | HTTPScaledObject, traffic via interceptor |
| KPA   | otherwise                               | fixed replicas, with a warning            |
| KPA   | on standby (deployed, no traffic)       | fixed replicas                            |
| other | -                                       | fixed replicas, with a warning            |

Beside it: a reserved instance (reserved.py) for a revision that may scale to zero and
asks for one, and a PodDisruptionBudget (pdb.py) from min-scale 2. The decisions are
made once per expansion (`plan_scaling`): the Deployment, the autoscaler and the
gateways all read the same `RevisionScaling`, so an autoscaler-managed Deployment never
fixes its replicas and the interceptor is used exactly where an HTTPScaledObject exists.
docs/autoscaling.md maps every Knative setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from knstack.api.knstack_annotations import Schedule, reserved_instance
from knstack.expand.autoscaling.hpa import build_revision_hpa
from knstack.expand.autoscaling.keda_http import (
    build_http_scaled_object,
    min_replicas,
    not_carried_warning,
)
from knstack.expand.autoscaling.keda_schedule import build_scheduled_scaled_object
from knstack.expand.autoscaling.pdb import build_revision_pdb
from knstack.expand.autoscaling.reserved import build_reserved_deployment
from knstack.expand.result import Expansion
from knstack.expand.routing.interceptor import (
    InterceptorRoute,
    RevisionKey,
    plan_interceptor_routes,
)
from knstack.expand.services import revision_service_port
from knstack.resolve.model import RevisionPlan, ServingPlan
from knstack.stack.settings import ClusterSettings

Autoscaler = Literal["hpa", "keda-schedule", "keda-http", "fixed"]
HTTP1_PORT = 80  # the revision Service's HTTP/1 port (81 is h2c)

__all__ = ["RevisionScaling", "ScalingPlan", "build_revision_autoscaling", "plan_scaling"]


def fixed_replicas(rev: RevisionPlan) -> int:
    """Without an autoscaler: a floor of max(min-scale, initial-scale, 1)."""
    scaling = rev.autoscaling
    return max(scaling.min_scale or 0, scaling.initial_scale or 0, 1)


@dataclass(frozen=True)
class RevisionScaling:
    rev: RevisionPlan
    autoscaler: Autoscaler
    interceptor: InterceptorRoute | None = None  # keda-http: how requests reach it
    schedule: Schedule | None = None  # keda-schedule
    reserved: bool = False
    notes: tuple[str, ...] = ()  # warnings about the choice

    @property
    def replicas(self) -> int | None:
        """Replicas the Deployment fixes: None when an autoscaler owns the count."""
        return fixed_replicas(self.rev) if self.autoscaler == "fixed" else None


@dataclass(frozen=True)
class ScalingPlan:
    revisions: dict[RevisionKey, RevisionScaling]
    interceptor: dict[RevisionKey, InterceptorRoute] = field(default_factory=dict)

    def of(self, rev: RevisionPlan) -> RevisionScaling:
        return self.revisions[(rev.namespace, rev.name)]


def plan_scaling(plan: ServingPlan, settings: ClusterSettings) -> ScalingPlan:
    in_cluster = {
        (route.namespace, revision)
        for route in plan.routes
        if route.cluster_local
        for revision in route.routed_revisions()
    }
    refusals = {
        (rev.namespace, rev.name): _why_not_request_scaled(rev, settings, in_cluster)
        for rev in plan.revisions
        if not rev.autoscaling.is_hpa
    }
    candidates = [key for key, why in refusals.items() if why is None]
    routed = {(r.namespace, rev) for r in plan.routes for rev in r.routed_revisions()}
    standby_only = {(r.namespace, rev) for r in plan.routes for rev in r.standby} - routed
    interceptor = plan_interceptor_routes(plan, settings, candidates)
    decisions = {}
    for rev in plan.revisions:
        key = (rev.namespace, rev.name)
        if rev.autoscaling.is_hpa:
            schedule = Schedule.of(rev.template.metadata.annotations)
            autoscaler: Autoscaler = "keda-schedule" if schedule else "hpa"
            decision = RevisionScaling(rev, autoscaler, schedule=schedule)
        elif key in interceptor:
            decision = RevisionScaling(rev, "keda-http", interceptor=interceptor[key])
        elif key in standby_only:
            # Nothing routes to it, so requests could never scale it: it keeps a fixed
            # floor until its retention ends, ready for a rollback.
            decision = RevisionScaling(rev, "fixed")
        else:
            why = (
                refusals[key]
                or "the KPA class needs a public host to route through the KEDA HTTP add-on"
            )
            note = (
                f"{rev.ref}: {why}; rendering a fixed {fixed_replicas(rev)} replica(s) "
                "(max of min-scale, initial-scale, 1)"
            )
            decision = RevisionScaling(rev, "fixed", notes=(note,))
        decisions[key] = _with_reserved(decision, settings)
    return ScalingPlan(decisions, interceptor)


def _why_not_request_scaled(
    rev: RevisionPlan, settings: ClusterSettings, in_cluster: set[RevisionKey]
) -> str | None:
    """Why a non-HPA revision cannot scale on requests here (None: it can)."""
    scaling = rev.autoscaling
    if not scaling.is_kpa:
        klass = scaling.autoscaler_class
        return f"the autoscaler class {klass!r} has no autoscaler in the kubernetes backend"
    if not settings.keda_http_add_on.enabled:
        return (
            "the KPA class (request-driven scaling, scale to zero) needs the KEDA HTTP add-on, "
            "which this cluster does not declare (knstack:kedaHttpAddOn)"
        )
    through = "the KPA class needs requests to pass through the KEDA HTTP add-on's interceptor"
    if (rev.namespace, rev.name) in in_cluster:
        return f"{through}, and a cluster-local route reaches this revision directly"
    if revision_service_port(rev) != HTTP1_PORT:
        # Gateways reach the interceptor's HTTP/1.1 port, and it forwards in the
        # protocol it received: an h2c backend would get HTTP/1.1.
        return f"{through}, which is reached over HTTP/1.1, and this revision serves h2c"
    return None


def _with_reserved(decision: RevisionScaling, settings: ClusterSettings) -> RevisionScaling:
    """Keep a reserved pod where the revision may scale to zero and one is asked for."""
    rev = decision.rev
    asked = reserved_instance(rev.template.metadata.annotations)
    wanted = settings.stack.reserved_instance.enabled if asked is None else asked
    ctx = settings.stack.serving_context()
    scales_to_zero = decision.autoscaler == "keda-http" and min_replicas(rev, ctx) == 0
    if wanted and scales_to_zero:
        return replace(decision, reserved=True)
    if asked and not scales_to_zero:
        note = (
            f"{rev.ref}: knstack.dev/reserved-instance has no effect: the revision never "
            "scales to zero here (it needs the KPA class on the KEDA HTTP add-on and min-scale 0)"
        )
        return replace(decision, notes=(*decision.notes, note))
    return decision


def build_revision_autoscaling(decision: RevisionScaling, settings: ClusterSettings) -> Expansion:
    """The autoscaler, reserved Deployment and PodDisruptionBudget of one revision."""
    rev = decision.rev
    out = Expansion(warnings=list(decision.notes))
    if decision.autoscaler == "hpa":
        out.manifests.append(build_revision_hpa(rev))
    elif decision.autoscaler == "keda-schedule" and decision.schedule is not None:
        out.manifests.append(build_scheduled_scaled_object(rev, decision.schedule))
    elif decision.autoscaler == "keda-http" and decision.interceptor is not None:
        ctx = settings.stack.serving_context()
        out.manifests.append(build_http_scaled_object(rev, decision.interceptor, ctx))
        if (warning := not_carried_warning(rev)) is not None:
            out.warnings.append(warning)
    if decision.reserved:
        out.manifests.append(build_reserved_deployment(rev, settings))
    if (pdb := build_revision_pdb(rev)) is not None:
        out.manifests.append(pdb)
    return out
