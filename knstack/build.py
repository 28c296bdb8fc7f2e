"""From a project and an environment (or plain YAML files) to manifests per cluster.

This is the one pipeline every path uses (render, the Pulumi program, checks, promotion):
load objects -> resolve against the ledger -> expand per cluster.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knstack.api.loader import LoadedObject, load_files
from knstack.api.serving import Service, TrafficTarget
from knstack.components import load_components, load_platform
from knstack.errors import InputError, Problem
from knstack.expand import Manifest, expand
from knstack.expand.platform import CRD_NAMES
from knstack.ledger import LedgerEntry, RevisionLedger, ledger_path, load_ledger
from knstack.resolve import ServingPlan, resolve
from knstack.stack import (
    Environment,
    Project,
    StackSettings,
    effective_cluster_settings,
    load_environment,
)
from knstack.stack.crdfiles import with_crd_files
from knstack.stack.release import release_traffic
from knstack.stack.settings import ClusterSettings, GatewayRef

FILES_ENVIRONMENT = "files"


@dataclass
class ClusterBuild:
    settings: ClusterSettings
    manifests: list[Manifest]
    warnings: list[str]

    @property
    def name(self) -> str:
        return self.settings.cluster


@dataclass
class EnvironmentBuild:
    environment: str
    settings: StackSettings
    plan: ServingPlan
    ledger: RevisionLedger
    clusters: list[ClusterBuild]
    appended: list[tuple[str, LedgerEntry]] = field(default_factory=list)
    ledger_file: Path | None = None

    @property
    def warnings(self) -> list[str]:
        seen: dict[str, None] = {}
        for cluster in self.clusters:
            for warning in cluster.warnings:
                seen.setdefault(warning, None)
        return list(seen)


def with_overrides(settings: StackSettings, *, backend: str | None = None, gateway: str | None = None) -> StackSettings:
    """The settings with the command line's one-run overrides (values checked by the CLI)."""
    if backend is not None:
        settings = settings.model_copy(update={"backend": backend})
    if gateway is not None:

        def regate(ref: GatewayRef) -> GatewayRef:
            return ref.with_kind(gateway)

        clusters = [c.model_copy(update={"gateway": regate(c.gateway)}) if c.gateway else c for c in settings.clusters]
        settings = settings.model_copy(update={"gateway": regate(settings.gateway), "clusters": clusters})
    return settings


def build_environment(
    project: Project,
    env: str,
    *,
    backend: str | None = None,
    gateway: str | None = None,
    traffic_overrides: Mapping[str, Sequence[TrafficTarget]] | None = None,
) -> EnvironmentBuild:
    platform = load_platform(project.root / "components", env, project.root)
    environment = load_environment(project, env, {"knative": platform} if platform else None)
    settings = with_overrides(environment.settings, backend=backend, gateway=gateway)
    settings = with_crd_files(settings, project.root, CRD_NAMES)
    ctx = settings.serving_context()
    objects = load_components(project.root / "components", env, ctx, settings.namespace, project.root)
    path = ledger_path(project.stacks_dir, env)
    ledger = load_ledger(path, env)
    if traffic_overrides is None:
        traffic_overrides = release_overrides(environment, settings, objects, ledger)
    build = build_objects(
        objects,
        env,
        settings,
        ledger,
        traffic_overrides=traffic_overrides,
        record_templates=settings.promotion.from_ is None,
    )
    build.ledger_file = path
    return build


def release_overrides(
    environment: Environment, settings: StackSettings, objects: Sequence[LoadedObject], ledger: RevisionLedger
) -> dict[str, list[TrafficTarget]]:
    """Route traffic for every service the environment's release state names."""
    services = {
        f"{o.obj.metadata.namespace or settings.namespace}/{o.obj.name}": o.obj
        for o in objects
        if isinstance(o.obj, Service)
    }
    overrides: dict[str, list[TrafficTarget]] = {}
    problems: list[Problem] = []
    for key, release in settings.releases.items():
        full = key if "/" in key else f"{settings.namespace}/{key}"
        where = f'config."knstack:releases".{key}'
        service = services.get(full)
        if service is None:
            problems.append(Problem(f"no Service {full} in the components", file=str(environment.file), obj=f"stack {environment.name}", field=where))
            continue
        for role in ("stable", "candidate"):
            revision = getattr(release, role)
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
        overrides[full] = release_traffic(release, settings.canary, service.spec.traffic)
    if problems:
        raise InputError(problems)
    return overrides


def build_files(paths: Sequence[Path], *, backend: str | None = None, gateway: str | None = None) -> EnvironmentBuild:
    """Plain Knative YAML with default settings; history comes from the files alone."""
    settings = with_overrides(StackSettings(), backend=backend, gateway=gateway)
    objects = load_files(paths, settings.serving_context(), settings.namespace)
    return build_objects(objects, FILES_ENVIRONMENT, settings, RevisionLedger(environment=FILES_ENVIRONMENT))


def build_objects(
    objects: Sequence[LoadedObject],
    env: str,
    settings: StackSettings,
    ledger: RevisionLedger,
    *,
    traffic_overrides: Mapping[str, Sequence[TrafficTarget]] | None = None,
    record_templates: bool = True,
) -> EnvironmentBuild:
    resolved = resolve(
        objects,
        ledger,
        default_namespace=settings.namespace,
        traffic_overrides=traffic_overrides,
        record_templates=record_templates,
    )
    clusters = []
    for cluster in settings.clusters:
        cluster_settings = effective_cluster_settings(env, settings, cluster)
        expansion = expand(resolved.plan, cluster_settings)
        clusters.append(ClusterBuild(cluster_settings, expansion.manifests, expansion.warnings))
    return EnvironmentBuild(
        environment=env,
        settings=settings,
        plan=resolved.plan,
        ledger=resolved.ledger,
        clusters=clusters,
        appended=resolved.appended,
    )
