"""From a project and an environment (or plain YAML files) to manifests per cluster.

This is the one pipeline every path uses (render, the Pulumi program, checks, promotion):
load objects -> resolve against the ledger -> expand per cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knstack.api.loader import LoadedObject, load_files
from knstack.api.serving import Service, TrafficTarget
from knstack.components import load_components, load_environment_settings
from knstack.errors import InputError, Problem
from knstack.expand import Manifest, expand
from knstack.expand.order import ordered
from knstack.expand.platform import CRD_NAMES
from knstack.ledger import LedgerEntry, RevisionLedger, ledger_path, load_ledger
from knstack.resolve import ServingPlan, resolve
from knstack.resolve.defaults import apply_defaults
from knstack.resolve.model import RevisionPlan
from knstack.stack import (
    Environment,
    Project,
    StackSettings,
    effective_cluster_settings,
)
from knstack.stack.crdfiles import with_crd_files
from knstack.stack.knative import with_resource_defaults
from knstack.stack.release import Release, release_traffic, standby_revisions
from knstack.stack.settings import ClusterSettings, GatewayRef

FILES_ENVIRONMENT = "files"
Overrides = Mapping[str, Sequence[TrafficTarget]]
Standby = Mapping[str, Sequence[str]]  # revisions deployed without traffic, per route
PlanKey = tuple[Overrides | None, Standby | None]  # what makes two clusters' plans differ


@dataclass
class ClusterBuild:
    settings: ClusterSettings
    manifests: list[Manifest]
    warnings: list[str]
    plan: ServingPlan | None = None  # what this cluster serves (clusters of a wave differ)

    @property
    def name(self) -> str:
        return self.settings.cluster


@dataclass
class EnvironmentBuild:
    environment: str
    settings: StackSettings
    # Routes as the wave in progress serves them; revisions: every one some cluster serves.
    plan: ServingPlan
    ledger: RevisionLedger
    clusters: list[ClusterBuild]
    appended: list[tuple[str, LedgerEntry]] = field(default_factory=list)
    ledger_file: Path | None = None
    # The Knative objects as loaded: policy judges them as written (scope "source").
    objects: Sequence[LoadedObject] = ()

    @property
    def warnings(self) -> list[str]:
        seen: dict[str, None] = {}
        for loaded in self.objects:
            for problem in loaded.warnings:
                seen.setdefault(str(problem), None)
        for cluster in self.clusters:
            for warning in cluster.warnings:
                seen.setdefault(warning, None)
        return list(seen)


def with_overrides(
    settings: StackSettings, *, backend: str | None = None, gateway: str | None = None
) -> StackSettings:
    """The settings with the command line's one-run overrides (values checked by the CLI)."""
    if backend is not None:
        settings = settings.model_copy(update={"backend": backend})
    if gateway is not None:

        def regate(ref: GatewayRef) -> GatewayRef:
            return ref.with_kind(gateway)

        clusters = [
            c.model_copy(update={"gateway": regate(c.gateway)}) if c.gateway else c
            for c in settings.clusters
        ]
        settings = settings.model_copy(
            update={"gateway": regate(settings.gateway), "clusters": clusters}
        )
    return settings


def build_environment(
    project: Project,
    env: str,
    *,
    backend: str | None = None,
    gateway: str | None = None,
    traffic_overrides: Overrides | None = None,
    stack_data: dict[str, Any] | None = None,
    ledger: RevisionLedger | None = None,
) -> EnvironmentBuild:
    """Build an environment from its files; `stack_data` and `ledger` replace the stack
    file's content and the ledger (a promotion builds the state it proposes, in memory)."""
    environment = load_environment_settings(project, env, data=stack_data)
    settings = with_overrides(environment.settings, backend=backend, gateway=gateway)
    settings = with_crd_files(settings, project.root, CRD_NAMES)
    ctx = settings.serving_context()
    objects = load_components(
        project.root / "components", env, ctx, settings.namespace, project.root
    )
    path = ledger_path(project.stacks_dir, env)
    if ledger is None:
        ledger = load_ledger(path, env)
    cluster_overrides = None
    standby: Standby | None = None
    cluster_standby: Mapping[str, Standby] | None = None
    if traffic_overrides is None:
        releases = release_overrides(environment, settings, objects, ledger)
        traffic_overrides, cluster_overrides = releases.environment, releases.clusters
        standby, cluster_standby = releases.standby, releases.cluster_standby
    build = build_objects(
        objects,
        env,
        settings,
        ledger,
        traffic_overrides=traffic_overrides,
        cluster_overrides=cluster_overrides,
        standby=standby,
        cluster_standby=cluster_standby,
        record_templates=settings.promotion.from_ is None,
    )
    build.ledger_file = path
    return build


@dataclass(frozen=True)
class ReleaseTraffic:
    """Route traffic from the release state: per service as its wave in progress serves it,
    and per cluster (clusters ahead of or behind the wave in progress differ); and the
    revisions each keeps deployed without traffic (`knstack.stack.release`)."""

    environment: dict[str, list[TrafficTarget]]
    clusters: dict[str, dict[str, list[TrafficTarget]]]
    standby: dict[str, list[str]]
    cluster_standby: dict[str, dict[str, list[str]]]


def release_overrides(
    environment: Environment,
    settings: StackSettings,
    objects: Sequence[LoadedObject],
    ledger: RevisionLedger,
) -> ReleaseTraffic:
    """Route traffic for every service the environment's release state names."""
    services = {
        f"{o.obj.metadata.namespace or settings.namespace}/{o.obj.name}": o.obj
        for o in objects
        if isinstance(o.obj, Service)
    }
    releases: dict[str, tuple[Release, list[TrafficTarget] | None]] = {}
    problems: list[Problem] = []
    for key, release in settings.releases.items():
        full = key if "/" in key else f"{settings.namespace}/{key}"
        where = f'config."knstack:releases".{key}'
        service = services.get(full)
        if service is None:
            problems.append(
                Problem(
                    f"no Service {full} in the components",
                    file=str(environment.file),
                    obj=f"stack {environment.name}",
                    field=where,
                )
            )
            continue
        roles = [("stable", release.stable), ("candidate", release.candidate)]
        roles += [(f"retained[{i}]", r.revision) for i, r in enumerate(release.retained)]
        for role, revision in roles:
            if revision is not None and ledger.find(full, revision) is None:
                known = ", ".join(e.name for e in ledger.entries(full)) or "none"
                problems.append(
                    Problem(
                        f"revision {revision!r} is not in this environment's ledger (known: {known})",
                        file=str(environment.file),
                        obj=f"stack {environment.name}",
                        field=f"{where}.{role}",
                    )
                )
        releases[full] = (release, service.spec.traffic)
    if problems:
        raise InputError(problems)
    plan = settings.canary
    names: list[str | None] = [None, *(c.name for c in settings.clusters)]
    traffic = {
        cluster: {
            key: release_traffic(r, plan, declared, cluster)
            for key, (r, declared) in releases.items()
        }
        for cluster in names
    }
    standby = {
        cluster: {
            key: standby_revisions(r, plan, traffic[cluster][key], cluster)
            for key, (r, _) in releases.items()
        }
        for cluster in names
    }
    return ReleaseTraffic(
        environment=traffic[None],
        clusters={c: t for c, t in traffic.items() if c is not None},
        standby=standby[None],
        cluster_standby={c: s for c, s in standby.items() if c is not None},
    )


def build_files(
    paths: Sequence[Path], *, backend: str | None = None, gateway: str | None = None
) -> EnvironmentBuild:
    """Plain Knative YAML with default settings; history comes from the files alone."""
    settings = with_overrides(StackSettings(), backend=backend, gateway=gateway)
    objects = load_files(paths, settings.serving_context(), settings.namespace)
    return build_objects(
        objects, FILES_ENVIRONMENT, settings, RevisionLedger(environment=FILES_ENVIRONMENT)
    )


def build_objects(
    objects: Sequence[LoadedObject],
    env: str,
    settings: StackSettings,
    ledger: RevisionLedger,
    *,
    traffic_overrides: Overrides | None = None,
    cluster_overrides: Mapping[str, Overrides] | None = None,
    standby: Standby | None = None,
    cluster_standby: Mapping[str, Standby] | None = None,
    record_templates: bool = True,
) -> EnvironmentBuild:
    """Resolve and expand per cluster; `cluster_overrides` and `cluster_standby` (by
    cluster name) replace `traffic_overrides` and `standby` on the clusters they name (the
    waves of a release)."""
    resolved = resolve(
        objects,
        ledger,
        default_namespace=settings.namespace,
        traffic_overrides=traffic_overrides,
        standby=standby,
        record_templates=record_templates,
    )
    config = with_resource_defaults(settings.knative.config, settings.defaults.resources)
    plans: list[tuple[PlanKey, ServingPlan]] = [
        ((traffic_overrides, standby), apply_defaults(resolved.plan, config))
    ]
    clusters = []
    for cluster in settings.clusters:
        cluster_settings = effective_cluster_settings(env, settings, cluster)
        key: PlanKey = (
            (cluster_overrides or {}).get(cluster.name, traffic_overrides),
            (cluster_standby or {}).get(cluster.name, standby),
        )
        plan = next((p for k, p in plans if k == key), None)
        if plan is None:  # resolving is cheap; the ledger already holds every template
            plan = resolve(
                objects,
                resolved.ledger,
                default_namespace=settings.namespace,
                traffic_overrides=key[0],
                standby=key[1],
                record_templates=record_templates,
            ).plan
            plan = apply_defaults(plan, config)
            plans.append((key, plan))
        expansion = expand(plan, cluster_settings)
        # Apply order, and two objects with one identity refused, once for every path.
        manifests = ordered(expansion.manifests, f"environment {env}, cluster {cluster.name}")
        clusters.append(ClusterBuild(cluster_settings, manifests, expansion.warnings, plan))
    return EnvironmentBuild(
        environment=env,
        settings=settings,
        plan=_with_every_revision(plans[0][1], [p for _, p in plans[1:]]),
        ledger=resolved.ledger,
        clusters=clusters,
        appended=resolved.appended,
        objects=objects,
    )


def _with_every_revision(plan: ServingPlan, others: Sequence[ServingPlan]) -> ServingPlan:
    """`plan` with the revisions the other clusters' plans serve added (checks see them all)."""
    if not others:
        return plan
    revisions: dict[tuple[str, str], RevisionPlan] = {
        (r.namespace, r.name): r for r in plan.revisions
    }
    for other in others:
        for revision in other.revisions:
            revisions.setdefault((revision.namespace, revision.name), revision)
    return ServingPlan(
        plan.configurations,
        plan.routes,
        tuple(revisions[k] for k in sorted(revisions)),
        plan.warnings,
    )
