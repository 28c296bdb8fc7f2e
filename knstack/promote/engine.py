"""Running a promotion step: lock, read, decide, gate, write, audit.

Each step takes the project's lock, reads the environment's files, computes the new
release state with the pure functions of `steps`, builds, validates and checks the
environment with it in memory (`gates`), and only when every gate passes writes the
ledger, the stack file and one audit record as one unit (knstack/promote/journal.py: a
run killed half-way is finished by the next one). A refused step writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from knstack.analysis import AnalysisResult
from knstack.api.serving import Service
from knstack.build import EnvironmentBuild, build_environment
from knstack.components import load_components
from knstack.errors import InputError, Problem
from knstack.promote import steps
from knstack.promote.analysis_gate import analysis_gate, run_analysis
from knstack.promote.chain import read_chain
from knstack.promote.commit import Step, describe_release, finish_step
from knstack.promote.gates import (
    GateResult,
    soak_gate,
)
from knstack.promote.journal import recover_pending
from knstack.promote.lock import promotion_lock
from knstack.promote.outcome import GateFailed, Notify, Outcome, StepOptions
from knstack.promote.planning import plan_promotion
from knstack.promote.source import NotPassed
from knstack.promote.state import EnvState, load_state
from knstack.promote.steps import (
    STABLE,
    StepRefused,
    Target,
    Transition,
    describe_step,
    parse_timestamp,
)
from knstack.stack import Project


def promote(
    project: Project,
    service: str,
    to_env: str,
    options: StepOptions,
    *,
    on_gate: Callable[[GateResult], None] | None = None,
    notify: Notify | None = None,
) -> Outcome:
    """Start the revision that passed the previous environment at the first stage of `to_env`."""
    _check_environment(project, to_env)
    source_env = read_chain(project).upstream(to_env)
    with _locked(project, options, notify):
        now = options.clock()
        target = load_state(project, to_env)
        _check_service(project, target, service)
        upstream = load_state(project, source_env) if source_env is not None else None
        planned = plan_promotion(
            target,
            upstream,
            service,
            now,
            target_build=_once(lambda: build_environment(project, to_env)),
            upstream_build=_once(lambda: build_environment(project, source_env))
            if source_env
            else None,
        )
        if isinstance(planned, NotPassed):
            before = target.release(service)
            if planned.up_to_date and before is not None:
                key = target.service_key(service)[0]
                return Outcome(
                    to_env,
                    Transition(
                        "promote", key, before, before, changed=False, message=planned.reason
                    ),
                )
            raise StepRefused(f"nothing to promote to {to_env}: {planned.reason}")
        passed = planned.passed
        extra = []
        if passed.since is not None:
            extra.append(
                soak_gate(
                    f"{passed.revision} at 100% in {passed.source}",
                    passed.since,
                    passed.soak_seconds,
                    now,
                    options.force,
                )
            )
        step = Step(target, planned.full, planned.transition, planned.ledger, source=passed)
        return finish_step(project, step, extra, options, now, on_gate)


def advance(
    project: Project,
    service: str,
    env: str,
    options: StepOptions,
    *,
    target: Target | None = None,
    on_gate: Callable[[GateResult], None] | None = None,
    notify: Notify | None = None,
    analysis: AnalysisResult | None = None,
) -> Outcome:
    """Move to the next step (or `target`): next stage, next wave, or stable.

    A serving candidate is analyzed first when the environment defines checks (outside
    the lock; see analysis_gate), unless `analysis` is already given (advance --auto)."""
    _check_environment(project, env)
    if options.wait:
        _wait_for_soak(project, service, env, options, notify)
    if analysis is None:
        analysis = run_analysis(load_state(project, env), service, options.sleep)
    with _locked(project, options, notify):
        now = options.clock()
        state = load_state(project, env)
        _check_service(project, state, service)
        key, full = state.service_key(service)
        before = state.settings.releases.get(key)
        plan = state.settings.canary
        transition = _retain(
            state,
            steps.advance(
                before,
                plan,
                now,
                service=key,
                environment=env,
                clusters=state.clusters,
                target=target,
            ),
        )
        extra = []
        if transition.changed and before is not None:
            here = describe_step(steps.current_step(before), plan, state.clusters)
            since = parse_timestamp(before.updated) if before.updated else None
            extra.append(
                soak_gate(
                    f"{before.candidate} at {here}", since, plan.soak_seconds, now, options.force
                )
            )
            if analysis is not None:
                extra.append(analysis_gate(analysis, before, options.force))
        step = Step(state, full, transition, state.ledger, analysis=analysis)
        return finish_step(project, step, extra, options, now, on_gate)


def rollback(
    project: Project,
    service: str,
    env: str,
    options: StepOptions,
    *,
    on_gate: Callable[[GateResult], None] | None = None,
    notify: Notify | None = None,
    analysis: AnalysisResult | None = None,
) -> Outcome:
    """All traffic back to the stable revision; the candidate is marked rolled back
    (`analysis`: the failed analysis that decided it, for the audit log)."""
    _check_environment(project, env)
    with _locked(project, options, notify):
        now = options.clock()
        state = load_state(project, env)
        _check_service(project, state, service)
        key, full = state.service_key(service)
        transition = _retain(
            state,
            steps.rollback(state.settings.releases.get(key), now, service=key, environment=env),
        )
        step = Step(state, full, transition, state.ledger, analysis=analysis)
        return finish_step(project, step, [], options, now, on_gate)


MAX_SLEEP_SECONDS = 30.0


def _retain(state: EnvState, transition: Transition) -> Transition:
    """A step's transition with the environment's retention applied (see `steps`)."""
    settings = state.settings
    return steps.with_retention(
        transition, settings.canary, state.clusters, settings.retention.releases
    )


@contextmanager
def _locked(project: Project, options: StepOptions, notify: Notify | None) -> Iterator[None]:
    """The promotion lock, with any step a killed run left half-written finished first."""
    with promotion_lock(project.stacks_dir, timeout=options.lock_timeout, waiting=_waiting(notify)):
        recover_pending(project.stacks_dir, notify)
        yield


def _wait_for_soak(
    project: Project, service: str, env: str, options: StepOptions, notify: Notify | None
) -> None:
    """Sleep (outside the lock: a rollback must never wait) until the stage has soaked."""
    while True:
        state = load_state(project, env)
        release = state.release(service)
        soak = state.settings.canary.soak_seconds
        if release is None or release.candidate is None or not release.updated or soak <= 0:
            return
        remaining = soak - (options.clock() - parse_timestamp(release.updated)).total_seconds()
        if remaining <= 0:
            return
        if notify is not None:
            notify(
                f"waiting {remaining:.0f}s for {release.candidate} to soak at stage {release.stage} in {env}"
            )
        options.sleep(min(remaining, MAX_SLEEP_SECONDS))


def _once(make: Callable[[], EnvironmentBuild]) -> Callable[[], EnvironmentBuild]:
    built: list[EnvironmentBuild] = []

    def get() -> EnvironmentBuild:
        if not built:
            built.append(make())
        return built[0]

    return get


def _check_service(project: Project, state: EnvState, service: str) -> None:
    """A service must be a Service of the components (or already have release state)."""
    key, full = state.service_key(service)
    if key in state.settings.releases:
        return
    namespace, name = full.split("/", 1)
    settings = state.settings
    objects = load_components(
        project.root / "components",
        state.name,
        settings.serving_context(),
        settings.namespace,
        project.root,
    )
    services = sorted(
        {
            f"{o.obj.metadata.namespace or settings.namespace}/{o.obj.name}"
            for o in objects
            if isinstance(o.obj, Service)
        }
    )
    if full not in services:
        known = (
            ", ".join(
                s.split("/", 1)[1] if s.startswith(f"{state.settings.namespace}/") else s
                for s in services
            )
            or "none"
        )
        raise InputError(
            Problem(
                f"no Service {full} in the components (Services: {known})",
                obj=f"Service {namespace}/{name}",
            )
        )


def _check_environment(project: Project, env: str) -> None:
    if env not in project.environments():
        known = ", ".join(project.environments()) or "none"
        raise InputError(
            Problem(
                f"no environment {env!r} (environments: {known})", file=str(project.stack_file(env))
            )
        )


def _waiting(notify: Notify | None) -> Callable[[], None] | None:
    if notify is None:
        return None
    return lambda: notify("waiting for another knstack promotion in this project to finish")


__all__ = [
    "STABLE",
    "GateFailed",
    "Notify",
    "Outcome",
    "StepOptions",
    "advance",
    "describe_release",
    "promote",
    "rollback",
]
