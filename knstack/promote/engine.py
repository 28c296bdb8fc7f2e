"""Running a promotion step: lock, read, decide, gate, write, audit.

Each step takes the project's lock, reads the environment's files, computes the new
release state with the pure functions of `steps`, builds, validates and checks the
environment with it in memory (`gates`), and only when every gate passes writes the
ledger, the stack file and one audit record as one unit (knstack/promote/journal.py: a
run killed half-way is finished by the next one). A refused step writes nothing.
"""

from __future__ import annotations

import dataclasses
import difflib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from knstack.analysis import AnalysisResult
from knstack.api.serving import Service
from knstack.build import EnvironmentBuild, build_environment
from knstack.components import load_components
from knstack.errors import InputError, KnstackError, Problem
from knstack.ledger import RevisionLedger, ledger_text
from knstack.promote import steps
from knstack.promote.analysis_gate import analysis_gate, run_analysis
from knstack.promote.audit import AuditRecord, actor, audit_path, record_line
from knstack.promote.chain import read_chain
from knstack.promote.gates import (
    GateResult,
    policy_gate,
    render_gate,
    soak_gate,
    steps_gate,
    validate_gate,
)
from knstack.promote.journal import PendingStep, commit_step, recover_pending
from knstack.promote.lock import promotion_lock
from knstack.promote.planning import plan_promotion
from knstack.promote.source import NotPassed, Passed
from knstack.promote.stackedit import release_fields, set_release
from knstack.promote.state import EnvState, load_state, stack_data
from knstack.promote.steps import (
    STABLE,
    StepRefused,
    Target,
    Transition,
    describe_step,
    parse_timestamp,
)
from knstack.stack import Project
from knstack.stack.release import CanaryPlan, Release
from knstack.validate import SchemaOptions

Clock = Callable[[], datetime]
MAX_SLEEP_SECONDS = 30.0


class GateFailed(KnstackError):
    """A gate refused the step (exit 1); nothing was written."""

    exit_code = 1

    def __init__(self, environment: str, gates: list[GateResult]) -> None:
        self.gates = gates
        failed = ", ".join(g.name for g in gates if not g.passed)
        super().__init__(f"{environment}: gate(s) failed: {failed}; nothing was changed")


@dataclass(frozen=True)
class StepOptions:
    force: bool = False
    reason: str | None = None
    schema: SchemaOptions = field(default_factory=SchemaOptions)
    lock_timeout: float = 120.0
    dry_run: bool = False
    wait: bool = False  # advance: sleep until the stage has soaked, instead of refusing
    clock: Clock = field(default=lambda: datetime.now(UTC))
    sleep: Callable[[float], None] = time.sleep


@dataclass
class Outcome:
    environment: str
    transition: Transition
    gates: list[GateResult] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    record: AuditRecord | None = None
    stack_diff: str = ""
    source: Passed | None = None

    @property
    def changed(self) -> bool:
        return self.transition.changed


Notify = Callable[[str], None]


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
        return _finish(
            project,
            target,
            planned.full,
            planned.transition,
            planned.ledger,
            extra,
            options,
            now,
            on_gate,
            source=passed,
        )


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
        return _finish(
            project,
            state,
            full,
            transition,
            state.ledger,
            extra,
            options,
            now,
            on_gate,
            analysis=analysis,
        )


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
        return _finish(
            project,
            state,
            full,
            transition,
            state.ledger,
            [],
            options,
            now,
            on_gate,
            analysis=analysis,
        )


def _retain(state: EnvState, transition: Transition) -> Transition:
    """A step's transition with the environment's retention applied (see `steps`)."""
    settings = state.settings
    return steps.with_retention(
        transition, settings.canary, state.clusters, settings.retention.releases
    )


def _finish(
    project: Project,
    state: EnvState,
    full: str,
    transition: Transition,
    ledger: RevisionLedger,
    extra: list[GateResult],
    options: StepOptions,
    now: datetime,
    on_gate: Callable[[GateResult], None] | None,
    source: Passed | None = None,
    analysis: AnalysisResult | None = None,
) -> Outcome:
    if not transition.changed:
        return Outcome(state.name, transition)
    if options.force and not (options.reason and options.reason.strip()):
        raise InputError(
            Problem("--force needs --reason: say why, it goes into the audit log", field="--reason")
        )
    plan = state.settings.canary
    new_text = set_release(
        state.text,
        transition.service,
        release_fields(transition.new, plan.wave_count),
        file=str(state.file),
    )
    stack_file = _relative(state.file, project.root)
    gates: list[GateResult] = []

    def record(gate: GateResult) -> None:
        gates.append(gate)
        if on_gate is not None:
            on_gate(gate)

    record(steps_gate(transition, options.force))
    for gate in extra:
        record(gate)
    rendered, build = render_gate(project, state.name, stack_data(new_text, state.file), ledger)
    record(rendered)
    if build is not None:
        record(validate_gate(build, options.schema, stack_file))
        moves = steps.traffic_moves(full, transition, plan, state.clusters)
        record(
            policy_gate(
                project,
                build,
                stack_file,
                moves,
                options.force,
                any_rule=transition.action == "rollback",
            )
        )
    if not all(g.passed for g in gates):
        raise GateFailed(state.name, gates)
    diff = "".join(
        difflib.unified_diff(
            state.text.splitlines(True),
            new_text.splitlines(True),
            f"a/{stack_file}",
            f"b/{stack_file}",
        )
    )
    outcome = Outcome(state.name, transition, gates, stack_diff=diff, source=source)
    if options.dry_run:
        return outcome
    outcome.record = _audit(project, state, full, transition, gates, options, now, source)
    if analysis is not None:
        outcome.record = dataclasses.replace(outcome.record, analysis=analysis.to_dict())
    files = {state.ledger_file.name: ledger_text(ledger)} if ledger != state.ledger else {}
    files[state.file.name] = new_text
    audit = audit_path(project.stacks_dir)
    commit_step(
        project.stacks_dir,
        PendingStep(
            summary=f"{transition.action} {full} in {state.name}",
            files=files,
            audit_file=audit.name,
            audit_line=record_line(outcome.record),
        ),
    )
    outcome.written += [project.stacks_dir / name for name in files] + [audit]
    return outcome


@contextmanager
def _locked(project: Project, options: StepOptions, notify: Notify | None) -> Iterator[None]:
    """The promotion lock, with any step a killed run left half-written finished first."""
    with promotion_lock(project.stacks_dir, timeout=options.lock_timeout, waiting=_waiting(notify)):
        recover_pending(project.stacks_dir, notify)
        yield


def _audit(
    project: Project,
    state: EnvState,
    full: str,
    transition: Transition,
    gates: list[GateResult],
    options: StepOptions,
    now: datetime,
    source: Passed | None,
) -> AuditRecord:
    plan, clusters = state.settings.canary, state.clusters
    before, after = transition.before, transition.new
    moved = after.candidate or (before.candidate if before else None) or after.stable
    waves = plan.wave_count
    return AuditRecord(
        time=steps.timestamp(now),
        action=transition.action,
        environment=state.name,
        service=full,
        revision=moved,
        source=source.source if source else None,
        from_state=release_fields(before, waves) if before else {},
        to_state=release_fields(after, waves),
        from_step=describe_release(before, plan, clusters),
        to_step=describe_release(after, plan, clusters),
        reason=options.reason.strip() if options.reason else None,
        forced=tuple(item for gate in gates for item in gate.forced),
        gates=tuple(g.name for g in gates),
        actor=actor(),
    )


def describe_release(release: Release | None, plan: CanaryPlan, clusters: list[str]) -> str:
    if release is None:
        return "no release state"
    if release.candidate is None:
        return (
            f"rolled back to {release.stable}"
            if release.status == "rolled-back"
            else f"stable {release.stable}"
        )
    return f"{release.candidate} at {describe_step(steps.current_step(release), plan, clusters)}"


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


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


__all__ = ["STABLE", "GateFailed", "Outcome", "StepOptions", "advance", "promote", "rollback"]
