"""Resolve Knative objects against the revision ledger into a ServingPlan.

Mirrors Knative's controllers: a Service fans out into a Configuration and a Route named
like it (service/resources), each Configuration template becomes a ledger revision
(configuration/resources), and each Route's traffic is pinned to revisions
(route/traffic). Several versions of one object, in order, are its history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from knstack.api.loader import LoadedObject
from knstack.api.serving import RevisionTemplateSpec, Service, TrafficTarget
from knstack.api.validation.metadata import CLUSTER_LOCAL
from knstack.errors import InputError, Problem
from knstack.ledger.model import LedgerEntry, RevisionLedger, configuration_key
from knstack.ledger.record import next_entry
from knstack.resolve.model import (
    ConfigurationPlan,
    RevisionPlan,
    RoutePlan,
    ServingPlan,
)
from knstack.resolve.pinning import Index, pin_traffic, revision_index
from knstack.vocabulary import VISIBILITY_LABEL

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
DEFAULT_TRAFFIC = (TrafficTarget(percent=100, latest_revision=True),)


@dataclass
class ResolveResult:
    plan: ServingPlan
    ledger: RevisionLedger
    appended: list[tuple[str, LedgerEntry]] = field(default_factory=list)


@dataclass
class _Config:
    name: str
    namespace: str
    service: str | None
    versions: list[LoadedObject]


_Route = tuple[str, str, str | None, LoadedObject]  # namespace, name, owning Service, object


def resolve(
    objects: Sequence[LoadedObject],
    ledger: RevisionLedger,
    *,
    default_namespace: str,
    traffic_overrides: Mapping[str, Sequence[TrafficTarget]] | None = None,
    standby: Mapping[str, Sequence[str]] | None = None,
    record_templates: bool = True,
) -> ResolveResult:
    """Record every template in the ledger and pin every route to revisions.

    `traffic_overrides` maps `<namespace>/<service or route>` to traffic that replaces the
    object's own (the environment's release state decides the split); `standby` maps the
    same keys to ledger revisions that keep their workloads without traffic. With
    `record_templates=False` (an environment fed by promotion) the ledger is read, never
    extended: each configuration's latest revision is its newest ledger entry, and a
    configuration without one is left out with a warning.
    """
    configs, routes = _split(_group_versions(objects, default_namespace))
    result = ResolveResult(plan=ServingPlan((), (), ()), ledger=ledger)
    problems: list[Problem] = []
    warnings: list[str] = []
    templates = _Templates()
    if record_templates:
        latest = _record_templates(configs, result, default_namespace, problems, templates)
    else:
        latest, routes = _promoted_revisions(configs, routes, ledger, warnings)
    index = revision_index(result.ledger)
    route_plans = _route_plans(
        routes,
        traffic_overrides or {},
        standby or {},
        (result.ledger, latest, index),
        default_namespace,
        problems,
    )
    if problems:
        raise InputError(problems)
    revisions = _routed_revisions(route_plans, configs, index, warnings, templates)
    result.plan = ServingPlan(
        configurations=tuple(
            sorted(
                _configuration_plans(configs, latest, templates),
                key=lambda c: (c.namespace, c.name),
            )
        ),
        routes=tuple(sorted(route_plans, key=lambda r: (r.namespace, r.name))),
        revisions=tuple(sorted(revisions.values(), key=lambda r: (r.namespace, r.name))),
        warnings=tuple(warnings),
    )
    return result


def _split(
    by_identity: Mapping[tuple[str, str, str], list[LoadedObject]],
) -> tuple[dict[str, _Config], list[_Route]]:
    """Services are a Configuration and a Route each; the newest version of a route counts."""
    configs: dict[str, _Config] = {}
    routes: list[_Route] = []
    for (kind, namespace, name), versions in by_identity.items():
        if kind in ("Service", "Configuration"):
            configs[configuration_key(namespace, name)] = _Config(
                name, namespace, name if kind == "Service" else None, versions
            )
        if kind in ("Service", "Route"):
            routes.append((namespace, name, name if kind == "Service" else None, versions[-1]))
    return configs, routes


def _promoted_revisions(
    configs: dict[str, _Config], routes: list[_Route], ledger: RevisionLedger, warnings: list[str]
) -> tuple[dict[str, LedgerEntry], list[_Route]]:
    """An environment fed by promotion: each configuration's newest ledger entry; one with
    none is left out, with its Service's route."""
    latest: dict[str, LedgerEntry] = {}
    for key, config in list(configs.items()):
        entry = ledger.latest(key)
        if entry is not None:
            latest[key] = entry
            continue
        warnings.append(
            f"Configuration {key}: no revision has been promoted to this environment yet; it is not rendered"
        )
        del configs[key]
        routes = [
            r
            for r in routes
            if (r[0], r[2]) != (config.namespace, config.service) or config.service is None
        ]
    return latest, routes


def _record_templates(
    configs: dict[str, _Config],
    result: ResolveResult,
    default_namespace: str,
    problems: list[Problem],
    templates: _Templates,
) -> dict[str, LedgerEntry]:
    """Every version of every template recorded in the ledger, in order."""
    latest: dict[str, LedgerEntry] = {}
    configurations = dict(result.ledger.configurations)  # one copy for the whole render
    changed = False
    for key, config in configs.items():
        for version in config.versions:
            template = version.obj.spec.template  # type: ignore[union-attr]
            entries = configurations.get(key, [])
            try:
                entry, appended = next_entry(entries, config.name, template)
            except InputError as err:
                problems += err.located(
                    file=str(version.source), obj=version.obj.ref(default_namespace)
                ).problems
                break
            latest[key] = entry
            templates.know(entry, template)
            if appended:
                configurations[key] = [*entries, entry]
                result.appended.append((key, entry))
                changed = True
    if changed:
        result.ledger = result.ledger.model_copy(update={"configurations": configurations})
    return latest


_Pinning = tuple[RevisionLedger, dict[str, LedgerEntry], Index]


def _route_plans(
    routes: list[_Route],
    overrides: Mapping[str, Sequence[TrafficTarget]],
    standby: Mapping[str, Sequence[str]],
    pinning: _Pinning,
    default_namespace: str,
    problems: list[Problem],
) -> list[RoutePlan]:
    """Each route with its traffic pinned to ledger revisions."""
    ledger, latest, index = pinning
    plans: list[RoutePlan] = []
    for namespace, name, service, loaded in routes:
        traffic = overrides.get(f"{namespace}/{name}")
        if traffic is None:
            traffic = loaded.obj.spec.traffic or (DEFAULT_TRAFFIC if service else ())  # type: ignore[union-attr]
        try:
            splits = pin_traffic(traffic, namespace, service, ledger, latest, index)
        except InputError as err:
            problems += err.located(
                file=str(loaded.source), obj=loaded.obj.ref(default_namespace)
            ).problems
            continue
        meta = loaded.obj.metadata
        labels = dict(meta.labels or {})
        routed = {split.revision for split in splits if split.percent or split.tag}
        kept = [r for r in standby.get(f"{namespace}/{name}", ()) if r not in routed]
        plans.append(
            RoutePlan(
                name=name,
                namespace=namespace,
                service=service,
                cluster_local=labels.get(VISIBILITY_LABEL) == CLUSTER_LOCAL,
                traffic=tuple(splits),
                standby=tuple(dict.fromkeys(kept)),
                labels=labels,
                annotations=_without_last_applied(meta.annotations),
                source=str(loaded.source),
            )
        )
    return plans


def _configuration_plans(
    configs: dict[str, _Config], latest: dict[str, LedgerEntry], templates: _Templates
) -> list[ConfigurationPlan]:
    plans = []
    for key, config in configs.items():
        last = config.versions[-1]
        meta = last.obj.metadata
        plans.append(
            ConfigurationPlan(
                name=config.name,
                namespace=config.namespace,
                service=config.service,
                latest=_revision_plan(latest[key], config, str(last.source), templates),
                labels=dict(meta.labels or {}),
                annotations=_without_last_applied(meta.annotations),
                source=str(last.source),
            )
        )
    return plans


def _routed_revisions(
    route_plans: list[RoutePlan],
    configs: dict[str, _Config],
    index: Index,
    warnings: list[str],
    templates: _Templates,
) -> dict[tuple[str, str], RevisionPlan]:
    """The revisions some route deploys; a configuration no route reaches gets a warning."""
    revisions: dict[tuple[str, str], RevisionPlan] = {}
    routed_configs: set[str] = set()
    for route in route_plans:
        for revision in route.deployed_revisions():
            # pin_traffic checked that routed revisions exist, the release state the rest
            key, entry = index[(route.namespace, revision)]
            routed_configs.add(key)
            config = configs.get(key) or _Config(key.split("/", 1)[1], route.namespace, None, [])
            revisions[(route.namespace, revision)] = _revision_plan(
                entry, config, route.source, templates
            )
    for key in configs:
        if key not in routed_configs:
            warnings.append(
                f"Configuration {key}: no Route sends traffic to it, so its revisions get no workloads"
            )
    return revisions


def _without_last_applied(annotations: Mapping[str, str] | None) -> dict[str, str]:
    return {k: v for k, v in (annotations or {}).items() if k != LAST_APPLIED}


def _group_versions(
    objects: Sequence[LoadedObject], default_namespace: str
) -> dict[tuple[str, str, str], list[LoadedObject]]:
    grouped: dict[tuple[str, str, str], list[LoadedObject]] = {}
    owners: dict[tuple[str, str], tuple[str, LoadedObject]] = {}
    problems: list[Problem] = []
    for loaded in objects:
        obj = loaded.obj
        namespace = obj.metadata.namespace or default_namespace
        grouped.setdefault((obj.kind, namespace, obj.name), []).append(loaded)
        # A Service owns the Configuration and Route of its name; a second owner is a clash.
        for child in ("Configuration", "Route") if isinstance(obj, Service) else (obj.kind,):
            key = (namespace, f"{child}/{obj.name}")
            if key in owners and owners[key][0] != obj.kind:
                other = owners[key][1]
                problems.append(
                    Problem(
                        f"clashes with {other.obj.kind} {namespace}/{obj.name} from {other.source}: "
                        f"a Service creates the {child} of the same name",
                        file=str(loaded.source),
                        obj=obj.ref(default_namespace),
                        field="metadata.name",
                    )
                )
            owners.setdefault(key, (obj.kind, loaded))
    if problems:
        raise InputError(problems)
    return grouped


class _Templates:
    """Each ledger entry's typed template, parsed once per resolve. An entry recorded from a
    loaded template gets that very object (its ledger dict was made from it), so a render
    holds one copy of each template instead of three."""

    def __init__(self) -> None:
        # by id(entry); the entry is kept too, so its id cannot be reused meanwhile
        self._known: dict[int, tuple[LedgerEntry, RevisionTemplateSpec]] = {}

    def know(self, entry: LedgerEntry, spec: RevisionTemplateSpec) -> None:
        self._known[id(entry)] = (entry, spec)

    def of(self, entry: LedgerEntry) -> RevisionTemplateSpec:
        found = self._known.get(id(entry))
        if found is not None and found[0] is entry:
            return found[1]
        spec = entry.template_spec()
        self.know(entry, spec)
        return spec


def _revision_plan(
    entry: LedgerEntry, config: _Config, source: str, templates: _Templates
) -> RevisionPlan:
    return RevisionPlan(
        name=entry.name,
        namespace=config.namespace,
        configuration=config.name,
        service=config.service,
        generation=entry.generation,
        digest=entry.digest,
        template=templates.of(entry),
        source=source,
    )


__all__ = ["ResolveResult", "resolve"]
