"""The configurations a simulation compares, built from a revision as knstack renders it.

Every setting comes from the revision's annotations (`knstack.api.autoscaling`), the
environment's config-autoscaler (`knstack.api.configmaps.AutoscalerConfig`) and the
targets knstack already computes for the add-on (`knstack.expand.autoscaling.keda_http`);
nothing here redefines a key or a default.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from knstack.api.autoscaling import Autoscaling
from knstack.api.configmaps import AutoscalerConfig
from knstack.api.configmaps.base import seconds
from knstack.api.context import ServingContext
from knstack.errors import InputError, Problem
from knstack.expand.autoscaling import fixed_replicas
from knstack.expand.autoscaling.hpa import DEFAULT_CPU_UTILIZATION
from knstack.expand.autoscaling.keda_http import (
    RPS_TARGET_UTILIZATION_PERCENT,
    kpa_target,
    min_replicas,
    scaledown_period,
)
from knstack.resolve.model import RevisionPlan
from knstack.simulate.engine import Autoscaler
from knstack.simulate.fixed import FixedModel
from knstack.simulate.hpa import HpaBehavior, HpaModel, HpaSpec
from knstack.simulate.keda_http import KedaHttpModel
from knstack.simulate.kpa import DeciderSpec, KpaModel, KpaSettings, ScalerBounds

COMPARE_NAMES = ("kpa", "hpa", "hpa-cpu", "keda-http", "reserved", "fixed:N")
MAX_INT32 = 2147483647


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


def hpa_spec(rev: RevisionPlan) -> HpaSpec:
    """As knstack.expand.autoscaling.hpa renders it: no scale to zero, window both ways."""
    scaling = rev.autoscaling
    behavior = HpaBehavior()
    if scaling.window is not None:
        behavior = replace(
            behavior, scale_up_window=scaling.window, scale_down_window=scaling.window
        )
    return HpaSpec(
        min_replicas=max(1, scaling.min_scale or 0),
        max_replicas=scaling.max_scale or MAX_INT32,
        behavior=behavior,
    )


def hpa_model(rev: RevisionPlan, ctx: ServingContext, label: str = "hpa") -> HpaModel:
    scaling = rev.autoscaling
    target = (
        scaling.target
        if scaling.is_hpa and scaling.effective_metric == "cpu" and scaling.target
        else DEFAULT_CPU_UTILIZATION
    )
    return HpaModel(hpa_spec(rev), float(target), pod_concurrency(rev, ctx), label)


def keda_http_model(
    rev: RevisionPlan, ctx: ServingContext, label: str = "keda-http"
) -> KedaHttpModel:
    scaling = rev.autoscaling
    spec = HpaSpec(min_replicas=1, max_replicas=scaling.max_scale or MAX_INT32)
    return KedaHttpModel(
        spec,
        max(1.0, float(int(kpa_target(rev, ctx)))),
        float(scaledown_period(rev)),
        min_replicas=min_replicas(rev, ctx),
        label=label,
    )


_FIXED = re.compile(r"^fixed:(\d+)$")


def candidate(
    name: str, rev: RevisionPlan, ctx: ServingContext, config: AutoscalerConfig
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
) -> Candidate:
    """The revision's own autoscaler: `autoscaler` is knstack's choice for the cluster
    (kpa/hpa on the knative backend; hpa, keda-schedule, keda-http or fixed otherwise)."""
    label = f"as rendered ({autoscaler}{'+reserved' if reserved else ''})"
    if autoscaler == "fixed":
        replicas = fixed_replicas(rev)
        return Candidate(label, FixedModel(replicas, label), replicas)
    base = candidate(
        {"keda-schedule": "hpa", "keda-http": "keda-http"}.get(autoscaler, autoscaler),
        rev,
        ctx,
        config,
    )
    base.model.label = label
    return Candidate(label, base.model, base.initial_pods, reserved=reserved)
