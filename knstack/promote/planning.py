"""Planning a promotion without writing it: which revision passed upstream, the release
state it starts with in the target, and the target's ledger with it copied in. `knstack
promote` gates and writes the plan; `knstack diff` shows it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from knstack.build import EnvironmentBuild
from knstack.ledger import RevisionLedger, import_entry
from knstack.promote import steps
from knstack.promote.source import NotPassed, Passed, from_components, from_upstream
from knstack.promote.state import EnvState
from knstack.promote.steps import Transition

BuildOf = Callable[[], EnvironmentBuild]


@dataclass(frozen=True)
class PlannedPromotion:
    key: str  # the knstack:releases key
    full: str  # namespace/name
    passed: Passed
    transition: Transition
    ledger: RevisionLedger  # the target's ledger with the promoted entry in it


def plan_promotion(
    target: EnvState,
    upstream: EnvState | None,
    service: str,
    now: datetime,
    *,
    target_build: BuildOf,
    upstream_build: BuildOf | None = None,
) -> PlannedPromotion | NotPassed:
    """`upstream` None: the target is the first environment and takes the components'
    current template (recorded as `knstack render` would). The builds are called only
    when needed (a service without release state, the first environment)."""
    key, full = target.service_key(service)
    before = target.settings.releases.get(key)
    ledger = target.ledger
    if upstream is None:
        build = target_build()
        passed = from_components(build, full)
        for appended_key, entry in build.appended:
            if appended_key == full:
                ledger = import_entry(ledger, full, entry)
    else:
        needs_build = upstream.release(service) is None and upstream_build is not None
        passed = from_upstream(
            upstream,
            service,
            full,
            before,
            target.ledger,
            upstream_build() if needs_build and upstream_build is not None else None,
        )
        if isinstance(passed, Passed):
            ledger = import_entry(ledger, full, passed.entry)
    if isinstance(passed, NotPassed):
        return passed

    def generation(revision: str) -> int | None:
        entry = ledger.find(full, revision)
        return entry.generation if entry is not None else None

    settings = target.settings
    transition = steps.with_retention(
        steps.start(
            before,
            passed.revision,
            settings.canary,
            now,
            service=key,
            environment=target.name,
            stable_if_new=most_served(target_build(), full) if before is None else None,
            generation=generation,
        ),
        settings.canary,
        target.clusters,
        settings.retention.releases,
    )
    return PlannedPromotion(key, full, passed, transition, ledger)


def most_served(build: EnvironmentBuild, full: str) -> str | None:
    """The revision with the largest share of the service's traffic now (the first of equals)."""
    namespace, name = full.split("/", 1)
    route = next(
        (r for r in build.plan.routes if r.namespace == namespace and r.name == name), None
    )
    if route is None:
        return None
    weighted = route.weighted_revisions()
    return max(weighted, key=lambda item: item[1])[0] if weighted else None
