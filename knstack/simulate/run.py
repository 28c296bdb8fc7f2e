"""`knstack simulate` without the command line: pick the revision, build the candidates,
replay the trace through each, summarise."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from knstack.api.configmaps import AutoscalerConfig
from knstack.api.context import ServingContext
from knstack.api.validation.podspec import serving_container_index
from knstack.build import EnvironmentBuild
from knstack.errors import InputError, Problem
from knstack.expand.autoscaling import plan_scaling
from knstack.resolve.model import RevisionPlan
from knstack.simulate.candidates import (
    Candidate,
    TraceClock,
    as_rendered,
    candidate,
    pod_concurrency,
)
from knstack.simulate.engine import PodShape, Prices, Run, simulate
from knstack.simulate.overrides import Override, overridden
from knstack.simulate.results import Slo, Summary, summarize
from knstack.simulate.service_time import ServiceTime

_QUANTITY = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$")
_SCALE = {None: 1.0, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12}
_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
DEFAULT_CPU, DEFAULT_MEMORY = "100m", "128Mi"  # when neither revision nor environment says


def quantity(value: object) -> float:
    """A Kubernetes quantity as a number (cores, or bytes)."""
    match = _QUANTITY.match(str(value).strip())
    if not match:
        raise InputError([Problem(f"cannot read the quantity {value!r}")])
    number, suffix = float(match.group(1)), match.group(2)
    return number * (_BINARY[suffix] if suffix in _BINARY else _SCALE[suffix])


@dataclass(frozen=True)
class Target:
    """The revision a simulation is about and what knstack renders for it."""

    revision: RevisionPlan
    cluster: str
    autoscaler: str  # kpa / hpa (knative backend); hpa, keda-schedule, keda-http, fixed
    reserved: bool
    requests: dict[str, str]  # the pod's resource requests
    reserved_requests: dict[str, str]


def select_target(build: EnvironmentBuild, service: str, cluster: str | None) -> Target:
    """The revision serving most of `service`'s traffic on `cluster` (default: the first)."""
    clusters = {c.name: c for c in build.clusters}
    if cluster is not None and cluster not in clusters:
        names = ", ".join(clusters)
        raise InputError(
            [Problem(f"--cluster: no cluster {cluster!r} in {build.environment} (known: {names})")]
        )
    chosen = clusters[cluster] if cluster else build.clusters[0]
    plan = chosen.plan or build.plan
    namespace, _, name = service.rpartition("/")
    routes = [
        r for r in plan.routes if r.service == name and (not namespace or r.namespace == namespace)
    ]
    if not routes or not routes[0].weighted_revisions():
        known = sorted({r.service or r.name for r in plan.routes})
        raise InputError(
            [
                Problem(
                    f"--service: no Service {service!r} with traffic in {build.environment} (known: {', '.join(known)})"
                )
            ]
        )
    route = routes[0]
    revision_name = max(route.weighted_revisions(), key=lambda item: item[1])[0]
    rev = plan.revision(route.namespace, revision_name)
    settings = build.settings
    if settings.backend == "knative":
        autoscaler, reserved = ("hpa" if rev.autoscaling.is_hpa else "kpa"), False
    else:
        decision = plan_scaling(plan, chosen.settings).of(rev)
        autoscaler, reserved = decision.autoscaler, decision.reserved
    requests = _requests(rev)
    reserved_requests = {
        k: str(v) for k, v in (settings.reserved_instance.resources.requests or {}).items()
    }
    return Target(rev, chosen.name, autoscaler, reserved, requests, reserved_requests)


def _requests(rev: RevisionPlan) -> dict[str, str]:
    """The serving container's requests as rendered (the defaulting step fills in the
    environment's), else a small pod."""
    index = serving_container_index(rev.template.spec)
    resources = rev.effective.container_resources[index] or {}
    return {"cpu": DEFAULT_CPU, "memory": DEFAULT_MEMORY, **resources.get("requests", {})}


@dataclass(frozen=True)
class Options:
    service_time: ServiceTime = field(default_factory=ServiceTime)
    startup: float = 30.0  # seconds: the article's cold start
    price_cpu_second: float = 0.0000113  # per core-second
    price_memory_gib_second: float = 0.0000012
    slo: Slo = field(default_factory=lambda: Slo("p99", 0.5))
    # time 0 of the trace for cron schedules: a Monday midnight in the schedule's zone
    start: datetime = datetime(2026, 1, 5)
    overrides: tuple[Override, ...] = ()


def _with_override(
    target: Target,
    override: Override,
    ctx: ServingContext,
    config: AutoscalerConfig,
    clock: TraceClock,
) -> Candidate:
    """The rendered autoscaler on the overridden revision; a changed class picks the
    Knative autoscaler of that class."""
    rev = overridden(target.revision, override, ctx)
    autoscaler = target.autoscaler
    if rev.autoscaling.autoscaler_class != target.revision.autoscaling.autoscaler_class:
        autoscaler = "hpa" if rev.autoscaling.is_hpa else "kpa"
    return as_rendered(rev, ctx, config, autoscaler, target.reserved, clock, override.label)


def run_all(
    target: Target, build: EnvironmentBuild, trace: np.ndarray, compare: list[str], options: Options
) -> tuple[list[Run], list[Summary]]:
    ctx = build.settings.serving_context()
    config = build.settings.knative.config.autoscaler
    rev = target.revision
    clock = TraceClock(options.start, len(trace))
    candidates: list[Candidate] = [
        as_rendered(rev, ctx, config, target.autoscaler, target.reserved, clock)
    ]
    candidates += [candidate(name, rev, ctx, config, clock) for name in compare]
    candidates += [
        _with_override(target, override, ctx, config, clock) for override in options.overrides
    ]
    concurrency = pod_concurrency(rev, ctx)
    pod = PodShape(
        cpu=quantity(target.requests["cpu"]),
        memory_gib=quantity(target.requests["memory"]) / 2**30,
        concurrency=concurrency,
        startup=options.startup,
    )
    small_cpu = quantity(target.reserved_requests.get("cpu", "25m"))
    reserved = PodShape(
        cpu=small_cpu,
        memory_gib=quantity(target.reserved_requests.get("memory", "64Mi")) / 2**30,
        # it serves at its smaller size: throughput in proportion to the CPU it has
        concurrency=max(1.0, concurrency * small_cpu / pod.cpu),
        startup=0.0,
    )
    prices = Prices(options.price_cpu_second, options.price_memory_gib_second)
    runs = [
        simulate(
            trace,
            c.model,
            pod,
            prices,
            options.service_time.mean,
            c.initial_pods,
            reserved if c.reserved else None,
        )
        for c in candidates
    ]
    return runs, [summarize(r, options.slo, options.service_time) for r in runs]
