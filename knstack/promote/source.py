"""What passed the previous environment: the revision `knstack promote` may take on.

In order: the upstream candidate once it serves 100% on every cluster (the last stage of
the last wave); else the upstream stable revision when it is newer than the target's;
else, for a service the upstream environment has no release state for, the one revision
that serves all of its traffic on every cluster. The first environment of a chain takes
the components' current template, recorded in its ledger as `knstack render` would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from knstack.build import EnvironmentBuild
from knstack.ledger import LedgerEntry, RevisionLedger
from knstack.promote.state import EnvState
from knstack.promote.steps import describe_step, parse_timestamp, step_index
from knstack.stack.release import Release

COMPONENTS = "components"


@dataclass(frozen=True)
class Passed:
    revision: str
    entry: LedgerEntry
    source: str  # the upstream environment, or "components"
    how: str  # "at 100% in staging (stage 2/2)", "stable in staging", ...
    since: datetime | None = None  # when it reached 100% upstream (soak), if known
    soak_seconds: float = 0.0  # the upstream soak time that applies


@dataclass(frozen=True)
class NotPassed:
    reason: str
    up_to_date: bool = False  # the target already runs what passed upstream (nothing to do)


def from_components(build: EnvironmentBuild, full: str) -> Passed | NotPassed:
    """The first environment: the revision of the components' current template."""
    entry = build.ledger.latest(full)
    if entry is None:
        return NotPassed(f"the components define no Service {full}")
    return Passed(entry.name, entry, "components", "the components' current template")


def from_upstream(
    upstream: EnvState,
    service: str,
    full: str,
    target: Release | None,
    target_ledger: RevisionLedger,
    build: EnvironmentBuild | None,
) -> Passed | NotPassed:
    """`build` (the upstream environment built) is needed only when it has no release state."""
    release = upstream.release(service)
    plan = upstream.settings.canary
    env = upstream.name
    if release is None:
        if build is None:
            return NotPassed(f"{full} has no release state in {env}")
        return _whole_traffic(build, full, env, upstream.ledger)
    if release.candidate is not None:
        last = step_index(plan.last_step, plan)
        here = step_index((release.wave, release.stage), plan)
        if here >= last or release.stable is None:
            entry = upstream.ledger.find(full, release.candidate)
            if entry is not None:
                since = parse_timestamp(release.updated) if release.updated else None
                how = f"at 100% in {env}, {describe_step(plan.last_step, plan, upstream.clusters)}"
                return Passed(release.candidate, entry, env, how, since, plan.soak_seconds)
    if release.stable is not None:
        entry = upstream.ledger.find(full, release.stable)
        target_stable = target.stable if target is not None else None
        if entry is not None and _newer(entry, target_stable, target_ledger, full):
            return Passed(release.stable, entry, env, f"stable in {env}")
    if release.candidate is not None:
        where = describe_step((release.wave, release.stage), plan, upstream.clusters)
        return NotPassed(
            f"{release.candidate} is at {where} in {env}; it passes when it serves 100% there"
        )
    return NotPassed(f"nothing newer has passed {env} (it runs {release.stable})", up_to_date=True)


def _newer(
    entry: LedgerEntry, target_stable: str | None, target_ledger: RevisionLedger, full: str
) -> bool:
    if target_stable is None:
        return True
    if target_stable == entry.name:
        return False
    current = target_ledger.find(full, target_stable)
    return current is None or entry.generation > current.generation


def _whole_traffic(
    build: EnvironmentBuild, full: str, env: str, ledger: RevisionLedger
) -> Passed | NotPassed:
    namespace, name = full.split("/", 1)
    served: set[str] = set()
    for cluster in build.clusters:
        plan = cluster.plan or build.plan
        route = next((r for r in plan.routes if r.namespace == namespace and r.name == name), None)
        if route is None:
            return NotPassed(f"{env} does not serve {full}")
        weighted = route.weighted_revisions()
        served |= {rev for rev, _ in weighted}
        if len(weighted) != 1:
            split = ", ".join(f"{rev} {pct}%" for rev, pct in weighted)
            return NotPassed(
                f"{env} splits {full} ({split}) without release state; start a release there first"
            )
    if len(served) != 1:
        return NotPassed(f"{env} serves different revisions of {full} on its clusters")
    (revision,) = served
    entry = ledger.find(full, revision)
    if entry is None:
        return NotPassed(
            f"{revision} serves {env} but is not in its ledger yet: run `knstack render --stack {env}` and commit the ledger"
        )
    return Passed(revision, entry, env, f"serving 100% in {env}")


__all__ = ["COMPONENTS", "NotPassed", "Passed", "from_components", "from_upstream"]
