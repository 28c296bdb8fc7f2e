"""A release's moves as pure functions over the release model: start (promote), advance,
roll back. Each returns a `Transition`: the state before and after, and what in it only
`--force` with a reason allows (skipped steps, a rolled-back or older candidate, replacing
a candidate in progress). Nothing here reads or writes files.

A release walks a line of steps: (wave 1, stage 1) ... (wave 1, stage n), (wave 2, stage 1)
... (last wave, stage n), then "stable" (the candidate becomes the stable revision).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Final, Literal

from knstack.errors import InputError, KnstackError, Problem
from knstack.policy.model import CanaryStep
from knstack.stack.release import (
    CanaryPlan,
    Release,
    RetainedRevision,
    cluster_percent,
    deployed_revisions,
)

Action = Literal["promote", "advance", "rollback"]
Step = tuple[int, int]  # (wave, stage), both 1-based
STABLE: Final = "stable"
Target = Step | Literal["stable"]


class StepRefused(KnstackError):
    """The release state does not allow the step (exit 1, nothing changed)."""

    exit_code = 1


@dataclass(frozen=True)
class Transition:
    action: Action
    service: str  # the key of knstack:releases ("coffee" or "ns/coffee")
    before: Release | None
    after: Release | None  # None only when nothing changed and there is no release state
    changed: bool = True
    message: str = ""  # why nothing changed, when it did not
    needs_force: tuple[str, ...] = ()  # what only --force with a reason allows
    skipped: tuple[str, ...] = field(default=())  # the steps jumped over

    @property
    def new(self) -> Release:
        """The release after a step that changed something."""
        if self.after is None:
            raise RuntimeError(
                f"{self.action} {self.service}: no state after a step that changed nothing"
            )
        return self.after


def timestamp(now: datetime) -> str:
    """RFC 3339 in UTC, to the second: how `updated` is written."""
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def step_index(step: Target, plan: CanaryPlan) -> int:
    """Position on the release's line of steps (1 = first stage of wave 1)."""
    if isinstance(step, str):  # STABLE
        return plan.wave_count * len(plan.stages) + 1
    wave, stage = step
    return (wave - 1) * len(plan.stages) + stage


def step_at(index: int, plan: CanaryPlan) -> Target:
    stages = len(plan.stages)
    if index > plan.wave_count * stages:
        return STABLE
    return ((index - 1) // stages + 1, (index - 1) % stages + 1)


def describe_step(step: Target, plan: CanaryPlan, clusters: Sequence[str]) -> str:
    """`stage 2/4 (25%)`, with waves `wave 1/2 [prod-eu] stage 2/4 (25%)`, or `stable`."""
    if isinstance(step, str):  # STABLE
        return "stable"
    wave, stage = step
    text = f"stage {stage}/{len(plan.stages)} ({plan.stages[stage - 1] if stage else 0}%)"
    if plan.wave_count > 1:
        text = f"wave {wave}/{plan.wave_count} [{', '.join(plan.wave_clusters(wave, list(clusters)))}] {text}"
    return text


def current_step(release: Release) -> Target:
    return (release.wave, release.stage) if release.candidate is not None else STABLE


def start(
    before: Release | None,
    candidate: str,
    plan: CanaryPlan,
    now: datetime,
    *,
    service: str,
    environment: str,
    stable_if_new: str | None,
    generation: Callable[[str], int | None],
) -> Transition:
    """Promote: `candidate` starts at the first stage of the first wave.

    `stable_if_new` is the stable revision for a service the environment has no release
    state for yet (the revision it serves most). `generation` gives a revision's generation.
    """
    stable = before.stable if before is not None else stable_if_new
    if candidate == stable:
        if before is None:
            return Transition(
                "promote",
                service,
                None,
                Release(stable=stable),
                changed=False,
                message=f"{candidate} already serves all traffic of {service} in {environment}",
            )
        return Transition(
            "promote",
            service,
            before,
            before,
            changed=False,
            message=f"{candidate} is already the stable revision in {environment}",
        )
    if before is not None and before.candidate == candidate:
        return Transition(
            "promote",
            service,
            before,
            before,
            changed=False,
            message=f"{candidate} is already progressing in {environment}",
        )
    needs_force = []
    if before is not None and candidate in before.rolled_back:
        needs_force.append(
            f"{candidate} was rolled back in {environment}; automation does not promote it again"
        )
    if before is not None and before.candidate is not None:
        needs_force.append(
            f"{environment} is releasing {before.candidate} (stage {before.stage}); promoting {candidate} replaces it"
        )
    new, old = generation(candidate), generation(stable) if stable else None
    if new is not None and old is not None and new < old:
        needs_force.append(f"{candidate} is older than the stable revision {stable}")
    after = Release(
        stable=stable,
        candidate=candidate,
        wave=1,
        stage=1,
        previous=before.previous if before is not None else None,
        rolled_back=[r for r in (before.rolled_back if before else []) if r != candidate],
        updated=timestamp(now),
    )
    return Transition("promote", service, before, after, needs_force=tuple(needs_force))


def advance(
    before: Release | None,
    plan: CanaryPlan,
    now: datetime,
    *,
    service: str,
    environment: str,
    clusters: Sequence[str],
    target: Target | None = None,
) -> Transition:
    """The next step (or `target`): the next stage, the next wave's first stage, or stable."""
    if before is None or before.candidate is None:
        return _no_candidate(before, service, environment, target)
    _check_target(target, plan, environment)
    here = step_index((before.wave, before.stage), plan)
    goal = here + 1 if target is None else step_index(target, plan)
    if goal == here:
        return Transition(
            "advance",
            service,
            before,
            before,
            changed=False,
            message=f"{before.candidate} is already at {describe_step(target or STABLE, plan, clusters)} in {environment}",
        )
    if goal < here:
        raise StepRefused(
            f"{before.candidate} is already past {describe_step(step_at(goal, plan), plan, clusters)} in {environment}; "
            f"`knstack rollback {service} --stack {environment}` returns all traffic to the stable revision"
        )
    skipped = tuple(
        describe_step(step_at(i, plan), plan, clusters) for i in range(max(here + 1, 1), goal)
    )
    needs_force = (f"skips {len(skipped)} step(s): {'; '.join(skipped)}",) if skipped else ()
    reached = step_at(goal, plan)
    if isinstance(reached, str):  # STABLE
        after = Release(
            stable=before.candidate,
            previous=before.stable,
            rolled_back=list(before.rolled_back),
            updated=timestamp(now),
        )
    else:
        wave, stage = reached
        after = before.model_copy(update={"wave": wave, "stage": stage, "updated": timestamp(now)})
    return Transition("advance", service, before, after, needs_force=needs_force, skipped=skipped)


def _no_candidate(
    before: Release | None, service: str, environment: str, target: Target | None
) -> Transition:
    """Nothing to advance: a no-op for a pipeline naming its step after the release
    finished (or for a service with nothing to release); refused after a rollback or
    when a person asks."""
    if target is not None and (before is None or before.status == "stable"):
        runs = f"runs {before.stable}" if before is not None else "has no release state"
        return Transition(
            "advance",
            service,
            before,
            before,
            changed=False,
            message=f"{service} {runs} in {environment}; no candidate to advance",
        )
    if before is not None and before.status == "rolled-back":
        raise StepRefused(
            f"nothing to advance: {service} was rolled back in {environment} (to {before.stable})"
        )
    stable = f" (stable: {before.stable})" if before is not None and before.stable else ""
    raise StepRefused(f"nothing to advance: {service} has no candidate in {environment}{stable}")


def _check_target(target: Target | None, plan: CanaryPlan, environment: str) -> None:
    if target is None or isinstance(target, str):  # next or STABLE
        return
    wave, stage = target
    if not (1 <= wave <= plan.wave_count and 1 <= stage <= len(plan.stages)):
        raise InputError(
            Problem(
                f"there is no wave {wave} stage {stage} in {environment}: the canary plan has "
                f"{plan.wave_count} wave(s) of {len(plan.stages)} stage(s) {plan.stages}",
                field="--stage",
            )
        )


def rollback(
    before: Release | None, now: datetime, *, service: str, environment: str
) -> Transition:
    """All traffic back to the stable revision; the candidate is marked rolled back. Without
    a candidate, the stable revision is rolled back to the previous one."""
    if before is None:
        raise StepRefused(f"nothing to roll back: {service} has no release state in {environment}")
    if before.candidate is not None:
        if before.stable is None:
            raise StepRefused(
                f"{before.candidate} is the first release of {service} in {environment}: there is no stable revision to return to"
            )
        bad, stable, previous = before.candidate, before.stable, before.previous
    elif before.previous is not None and before.stable is not None:
        bad, stable, previous = before.stable, before.previous, None
    else:
        raise StepRefused(
            f"nothing to roll back: {service} runs {before.stable} in {environment} and no earlier stable revision is recorded"
        )
    rolled_back = (
        [*before.rolled_back, bad] if bad not in before.rolled_back else list(before.rolled_back)
    )
    after = Release(
        stable=stable,
        previous=previous,
        rolled_back=rolled_back,
        status="rolled-back",
        updated=timestamp(now),
    )
    return Transition("rollback", service, before, after)


def with_retention(
    transition: Transition, plan: CanaryPlan, clusters: Sequence[str], releases: int
) -> Transition:
    """The transition with its `retained` revisions brought up to date: a revision that had
    a workload before the step and has none after it stays deployed (with no traffic) on the
    clusters where it ran, for `releases` release completions; a step that completes a
    release counts one off every revision retained before it."""
    before, after = transition.before, transition.after
    if not transition.changed or after is None:
        return transition
    completes = (
        before is not None
        and before.candidate is not None
        and after.candidate is None
        and after.stable == before.candidate
    )
    kept: dict[str, RetainedRevision] = {}
    for entry in before.retained if before is not None else []:
        left = entry.releases - 1 if completes else entry.releases
        if left >= 1:
            kept[entry.revision] = entry.model_copy(update={"releases": left})
    serving = {after.stable, after.candidate}
    retiring = [before.stable, before.candidate] if before is not None else []
    for revision in retiring:
        if before is None or revision is None or revision in serving:
            continue
        ran = [c for c in clusters if revision in deployed_revisions(before, plan, c)]
        if ran:
            where = [] if len(ran) == len(clusters) else ran
            kept[revision] = RetainedRevision(revision=revision, releases=releases, clusters=where)
    retained = [entry for name, entry in kept.items() if name not in serving]
    return replace(transition, after=after.model_copy(update={"retained": retained}))


def traffic_moves(
    namespaced: str, transition: Transition, plan: CanaryPlan, clusters: Sequence[str]
) -> list[CanaryStep]:
    """The moving revision's share of traffic before and after, for each cluster where it
    changes (what the canary-max-step policy judges). A first release (no stable revision
    yet) moves no users from one revision to another and gives none."""
    before, after = transition.before, transition.new
    if transition.action == "promote":
        moving = after.candidate
    elif before is None:
        return []
    else:  # advance moves the candidate up; rollback moves the candidate (or the stable revision) out
        moving = before.candidate or (before.stable if transition.action == "rollback" else None)
    if after.stable is None or moving is None:
        return []
    moves: dict[tuple[int, int], None] = {}
    for cluster in clusters:
        previous, following = (
            share(before, moving, plan, cluster),
            share(after, moving, plan, cluster),
        )
        if previous != following:
            moves.setdefault((previous, following), None)
    return [CanaryStep(service=namespaced, previous=p, next=n) for p, n in moves]


def share(release: Release | None, revision: str, plan: CanaryPlan, cluster: str) -> int:
    """The percent of a cluster's traffic `revision` gets under `release`."""
    if release is None:
        return 0
    percent = cluster_percent(release, plan, cluster)
    if revision == release.candidate:
        return percent
    if revision == release.stable:
        return 100 - percent
    return 0
