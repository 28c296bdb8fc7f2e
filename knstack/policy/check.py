"""`knstack check`: every rule over an environment's build, as a report.

Manifest rules run per cluster on exactly what `knstack render` writes; a finding that
several clusters share is reported once with the clusters listed. Knative rules run once
on the resolved plan, release rules on the given canary steps. Each finding is traced to
the Knative object (file, line and field) the user edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from knstack.api.waivers import waivers
from knstack.build import EnvironmentBuild, build_environment, build_files
from knstack.errors import InputError, Problem
from knstack.policy.engine import Judgement, context_for, evaluate
from knstack.policy.locate import Location, Locator, parse_source
from knstack.policy.model import ADVISORY, MANDATORY, CanaryStep, Level, Rule, RuleContext
from knstack.policy.origin import Origins
from knstack.policy.registry import all_rules
from knstack.policy.views import knative_view, source_view
from knstack.stack import Project, StackSettings
from knstack.vocabulary import ref

_LEVEL_ORDER = {MANDATORY: 0, ADVISORY: 1}


@dataclass(frozen=True)
class Finding:
    rule: Rule
    level: Level
    object: str  # the object at fault: "Deployment coffee-shop/coffee-00002-deployment"
    field: str  # its field
    message: str
    origin: str | None  # the Knative object it comes from: "Service coffee-shop/coffee"
    origin_field: str | None  # the field of that object to change, when known
    location: Location | None  # file (and line) of the origin
    clusters: tuple[str, ...]  # clusters whose manifests have it (empty: not cluster-specific)
    waiver: str | None  # the reason, when the object waives the rule

    @property
    def blocking(self) -> bool:
        return self.level == MANDATORY and self.waiver is None

    def text(self) -> str:
        return f"{self.object}: field {self.field}: {self.message}"


@dataclass(frozen=True)
class WaiverEntry:
    rule_id: str
    object: str  # the Knative object that declares it
    reason: str
    location: Location | None
    known: bool  # names a rule of the catalogue
    waived: int  # findings it waived


@dataclass
class Report:
    environment: str
    clusters: tuple[str, ...]
    rules: tuple[Rule, ...]
    levels: dict[str, Level]  # effective level of each rule in this environment
    findings: list[Finding] = field(default_factory=list)
    waivers: list[WaiverEntry] = field(default_factory=list)
    default_location: Location | None = (
        None  # where findings without a source point (the stack file)
    )
    warnings: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not any(f.blocking for f in self.findings)

    def count(self, level: Level, *, waived: bool = False) -> int:
        return sum(
            1 for f in self.findings if f.level == level and (f.waiver is not None) == waived
        )

    @property
    def waived(self) -> int:
        return sum(1 for f in self.findings if f.waiver is not None)


def check_environment(
    project: Project, env: str, *, canary_steps: Sequence[CanaryStep] = ()
) -> Report:
    """Check an environment of a project (components + stacks/Pulumi.<env>.yaml + ledger)."""
    build = build_environment(project, env)
    stack_file = _relative(project.stack_file(env).resolve(), project.root.resolve())
    validate_rule_ids(build.settings, stack_file, env)
    return check_build(
        build, canary_steps=canary_steps, root=project.root, default_location=Location(stack_file)
    )


def check_files(paths: Sequence[Path], *, canary_steps: Sequence[CanaryStep] = ()) -> Report:
    """Check plain Knative YAML files with default settings."""
    build = build_files(paths)
    default = Location(str(paths[0])) if paths else None
    return check_build(build, canary_steps=canary_steps, default_location=default)


def validate_rule_ids(settings: StackSettings, file: str, env: str) -> None:
    known = {r.id for r in all_rules()}
    problems = [
        Problem(
            f"unknown rule {rule_id!r} (see `knstack check --list-rules`)",
            file=file,
            obj=f"stack {env}",
            field=f'config."knstack:policy".rules.{rule_id}',
        )
        for rule_id in settings.policy.rules
        if rule_id not in known
    ]
    if problems:
        raise InputError(problems)


def check_build(
    build: EnvironmentBuild,
    *,
    canary_steps: Sequence[CanaryStep] = (),
    root: Path | None = None,
    default_location: Location | None = None,
) -> Report:
    """Every rule on the build: Knative-level and source objects once, the rendered
    manifests per cluster (a finding on several clusters is listed once, with them)."""
    rules = all_rules()
    ctx = context_for(build.settings, canary_steps)
    merged = _judge(build, rules, ctx)
    origins, locator = Origins(build.plan), Locator(root)
    many = len(build.clusters) > 1
    findings = [
        _finding(judgement, clusters if many else [], origins, locator)
        for judgement, clusters in merged.values()
    ]
    order = {r.id: i for i, r in enumerate(rules)}
    findings.sort(
        key=lambda f: (
            f.waiver is not None,
            _LEVEL_ORDER.get(f.level, 2),
            order[f.rule.id],
            f.object,
            f.field,
            f.message,
        )
    )
    return Report(
        environment=build.environment,
        clusters=tuple(c.name for c in build.clusters),
        rules=rules,
        levels={r.id: ctx.level(r) for r in rules},
        findings=findings,
        waivers=_waiver_entries(build, findings, {r.id for r in rules}),
        default_location=default_location,
        warnings=build.warnings,
    )


_Merged = dict[tuple[str, str, str, str], tuple[Judgement, list[str]]]


def _judge(build: EnvironmentBuild, rules: Sequence[Rule], ctx: RuleContext) -> _Merged:
    """Judgements keyed by (rule, object, field, message), with the clusters they hold on."""
    merged: _Merged = {}

    def add(judgements: list[Judgement], cluster: str | None) -> None:
        for j in judgements:
            key = (j.rule.id, ref(j.violation.subject), j.violation.field, j.violation.message)
            _, clusters = merged.setdefault(key, (j, []))
            if cluster is not None:
                clusters.append(cluster)

    add(
        evaluate(
            rules,
            ctx,
            knative=knative_view(build.plan),
            sources=source_view(build.objects, build.settings.namespace),
            scopes=frozenset({"knative", "release", "source"}),
        ),
        None,
    )
    for cluster in build.clusters:
        add(
            evaluate(rules, ctx, manifests=cluster.manifests, scopes=frozenset({"manifests"})),
            cluster.name,
        )
    return merged


def _finding(
    judgement: Judgement, clusters: list[str], origins: Origins, locator: Locator
) -> Finding:
    """A judgement located: the source object and field it came from, and its file line."""
    violation = judgement.violation
    origin = origins.of(violation.subject, violation.field)
    return Finding(
        rule=judgement.rule,
        level=judgement.level,
        object=ref(violation.subject),
        field=violation.field,
        message=violation.message,
        origin=origin.ref if origin else None,
        origin_field=origin.field if origin else None,
        location=locator.locate(origin.source, origin.field) if origin else None,
        clusters=tuple(clusters),
        waiver=judgement.waiver,
    )


def _waiver_entries(
    build: EnvironmentBuild, findings: list[Finding], known: set[str]
) -> list[WaiverEntry]:
    """Every waiver the components declare, with how many findings it waived."""
    declared: dict[tuple[str, str], WaiverEntry] = {}
    objects = [
        (
            f"Service {c.namespace}/{c.service}"
            if c.service
            else f"Configuration {c.namespace}/{c.name}",
            c.annotations,
            c.source,
        )
        for c in build.plan.configurations
    ]
    objects += [
        (
            f"Service {r.namespace}/{r.service}" if r.service else f"Route {r.namespace}/{r.name}",
            r.annotations,
            r.source,
        )
        for r in build.plan.routes
    ]
    for obj, declared_on, source in objects:
        for rule_id, reason in waivers(declared_on).items():
            used = sum(
                1
                for f in findings
                if f.rule.id == rule_id and f.waiver is not None and f.origin == obj
            )
            declared.setdefault(
                (obj, rule_id),
                WaiverEntry(
                    rule_id, obj, reason.strip(), parse_source(source), rule_id in known, used
                ),
            )
    return [declared[key] for key in sorted(declared)]


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
