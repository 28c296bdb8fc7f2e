"""The configurations a simulation compares, built from a revision as knstack renders it.

Every setting comes from the revision's annotations (`knstack.api.autoscaling`), the
environment's config-autoscaler (`knstack.api.configmaps.AutoscalerConfig`) and the
targets knstack already computes for the add-on (`knstack.expand.autoscaling.keda_http`);
nothing here redefines a key or a default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime

from knstack.api.autoscaling import Autoscaling
from knstack.api.configmaps import AutoscalerConfig
from knstack.api.configmaps.base import seconds
from knstack.api.context import ServingContext
from knstack.api.knstack_annotations import SCHEDULE, Schedule
from knstack.errors import InputError, Problem
from knstack.expand.autoscaling import fixed_replicas
from knstack.expand.autoscaling.hpa import build_revision_hpa
from knstack.expand.autoscaling.keda_http import (
    RPS_TARGET_UTILIZATION_PERCENT,
    kpa_target,
    min_replicas,
    scaledown_period,
)
from knstack.expand.autoscaling.keda_schedule import build_scheduled_scaled_object
from knstack.resolve.model import RevisionPlan
from knstack.simulate.engine import Autoscaler
from knstack.simulate.fixed import FixedModel
from knstack.simulate.hpa import HpaModel
from knstack.simulate.hpa_spec import hpa_spec
from knstack.simulate.keda_http import KedaHttpModel, keda_http_spec
from knstack.simulate.keda_schedule import KedaScheduleModel
from knstack.simulate.kpa import DeciderSpec, KpaModel, KpaSettings, ScalerBounds

COMPARE_NAMES = ("kpa", "hpa", "hpa-cpu", "schedule+hpa", "keda-http", "reserved", "fixed:N")
MAX_INT32 = 2147483647


@dataclass(frozen=True)
class TraceClock:
    """Where the trace sits in wall-clock time (cron schedules read it) and its length."""

    start: datetime
    seconds: int


@dataclass(frozen=True)
class Candidate:
    label: str
    model: Autoscaler
    initial_pods: int
    reserved: bool = False  # a reserved pod serves beside the model's pods


def kpa_settings(rev: RevisionPlan, ctx: ServingContext, config: AutoscalerConfig) -> KpaSettings:
    """DeciderSpec as knative/serving pkg/autoscaler/scaling/multiscaler.go's reconciler
    builds it (pkg/reconciler/autoscaling/kpa/kpa.go, resources/decider.go)."""
    scaling = rev.autoscaling
    target = kpa_target(rev, ctx)
    if scaling.effective_metric == "rps":
        percent = scaling.target_utilization_percentage or RPS_TARGET_UTILIZATION_PERCENT
    else:
        percent = (
            scaling.target_utilization_percentage or ctx.container_concurrency_target_percentage
        )
    stable = scaling.window or seconds(config.stable_window)
    panic_pct = scaling.panic_window_percentage or config.panic_window_percentage
    tbc = scaling.target_burst_capacity
    decider = DeciderSpec(
        max_scale_up_rate=config.max_scale_up_rate,
        max_scale_down_rate=config.max_scale_down_rate,
        scaling_metric=scaling.effective_metric,
        target_value=target,
        total_value=target * 100.0 / percent,
        target_burst_capacity=config.target_burst_capacity if tbc is None else tbc,
        activator_capacity=config.activator_capacity,
        panic_threshold=(scaling.panic_threshold_percentage or config.panic_threshold_percentage)
        / 100.0,
        stable_window=stable,
        scale_down_delay=(
            seconds(config.scale_down_delay)
            if scaling.scale_down_delay is None
            else scaling.scale_down_delay
        ),
        initial_scale=_initial_scale(scaling, config),
        activation_scale=scaling.activation_scale or 1,
    )
    retention = scaling.scale_to_zero_pod_retention_period
    bounds = ScalerBounds(
        min_scale=scaling.min_scale if scaling.min_scale is not None else config.min_scale,
        max_scale=scaling.max_scale if scaling.max_scale is not None else config.max_scale,
        initial_scale=decider.initial_scale,
        enable_scale_to_zero=config.enable_scale_to_zero,
        scale_to_zero_grace_period=seconds(config.scale_to_zero_grace_period),
        scale_to_zero_pod_retention_period=(
            seconds(config.scale_to_zero_pod_retention_period) if retention is None else retention
        ),
    )
    return KpaSettings(decider, bounds, panic_window=stable * panic_pct / 100.0)


def _initial_scale(scaling: Autoscaling, config: AutoscalerConfig) -> int:
    return config.initial_scale if scaling.initial_scale is None else scaling.initial_scale


def pod_concurrency(rev: RevisionPlan, ctx: ServingContext) -> float:
    """What one pod serves at once: containerConcurrency when set (a hard limit), else
    the KPA's total per-pod value (concurrency default 100)."""
    cc = rev.effective.container_concurrency
    return float(cc) if cc else ctx.container_concurrency_target_default


def hpa_model(rev: RevisionPlan, ctx: ServingContext, label: str = "hpa") -> HpaModel:
    """The HPA knstack renders for this revision (knstack.expand.autoscaling.hpa), on CPU:
    a revision that scales on another metric is compared at Kubernetes' default target."""
    spec = hpa_spec(build_revision_hpa(rev)["spec"]).with_cpu_only()
    return HpaModel(spec, pod_concurrency(rev, ctx), label)


def keda_http_model(
    rev: RevisionPlan, ctx: ServingContext, label: str = "keda-http"
) -> KedaHttpModel:
    spec = keda_http_spec(
        rev.autoscaling.max_scale or MAX_INT32, max(1.0, float(int(kpa_target(rev, ctx))))
    )
    return KedaHttpModel(spec, float(scaledown_period(rev)), min_replicas(rev, ctx), label)


_FIXED = re.compile(r"^fixed:(\d+)$")


def schedule_model(
    rev: RevisionPlan, ctx: ServingContext, clock: TraceClock, label: str = "schedule+hpa"
) -> KedaScheduleModel:
    """The ScaledObject knstack renders for the revision's `knstack.dev/schedule`."""
    schedule = Schedule.of(rev.template.metadata.annotations)
    if schedule is None:
        raise InputError(
            [Problem(f"--compare schedule+hpa: {rev.ref} has no {SCHEDULE} annotation to simulate")]
        )
    scaled_object = build_scheduled_scaled_object(rev, schedule)
    return KedaScheduleModel(
        scaled_object, pod_concurrency(rev, ctx), clock.start, clock.seconds, label
    )


def candidate(
    name: str,
    rev: RevisionPlan,
    ctx: ServingContext,
    config: AutoscalerConfig,
    clock: TraceClock,
) -> Candidate:
    """One `--compare` name as a model of this revision."""
    settings = kpa_settings(rev, ctx, config)
    initial = max(1, settings.bounds.min_scale, settings.decider.initial_scale)
    if name == "kpa":
        return Candidate("kpa", KpaModel(settings, "kpa", initial), initial)
    if name in ("hpa", "hpa-cpu"):
        return Candidate(name, hpa_model(rev, ctx, name), initial)
    if name == "keda-http":
        return Candidate(name, keda_http_model(rev, ctx), initial)
    if name == "schedule+hpa":
        return Candidate(name, schedule_model(rev, ctx, clock), initial)
    if name == "reserved":
        # The article's alternative to scaling to zero: the KPA may go to zero while one
        # low-spec pod keeps serving (knstack.expand.autoscaling.reserved).
        zero = replace(settings, bounds=replace(settings.bounds, min_scale=0))
        return Candidate("reserved", KpaModel(zero, "reserved", initial), initial, reserved=True)
    if match := _FIXED.match(name):
        replicas = int(match.group(1))
        if replicas < 1:
            raise InputError([Problem("--compare fixed:N needs N of 1 or more")])
        return Candidate(name, FixedModel(replicas), replicas)
    raise InputError(
        [Problem(f"--compare: unknown configuration {name!r} (known: {', '.join(COMPARE_NAMES)})")]
    )


def as_rendered(
    rev: RevisionPlan,
    ctx: ServingContext,
    config: AutoscalerConfig,
    autoscaler: str,
    reserved: bool,
    clock: TraceClock,
    label: str | None = None,
) -> Candidate:
    """The revision's own autoscaler: `autoscaler` is knstack's choice for the cluster
    (kpa/hpa on the knative backend; hpa, keda-schedule, keda-http or fixed otherwise)."""
    label = label or f"as rendered ({autoscaler}{'+reserved' if reserved else ''})"
    if autoscaler == "fixed":
        replicas = fixed_replicas(rev)
        return Candidate(label, FixedModel(replicas, label), replicas)
    base = candidate(
        {"keda-schedule": "schedule+hpa"}.get(autoscaler, autoscaler), rev, ctx, config, clock
    )
    base.model.label = label
    return Candidate(label, base.model, base.initial_pods, reserved=reserved)
