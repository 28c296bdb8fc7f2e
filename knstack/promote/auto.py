"""`advance --auto`: let the candidate's metrics decide the next step.

Pass: advance (the analysis is the gate it already passed). Fail past a check's failure
limit: roll back, exactly as `knstack rollback` does (the candidate is marked rolled back,
so automation never promotes it again), with the analysis as the reason. Inconclusive:
change nothing, and append a `hold` record to the audit log so the evidence is kept. A
stage that has not soaked yet, or no candidate in progress, is nothing to do (no record).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from knstack.analysis import AnalysisResult
from knstack.errors import InputError, Problem
from knstack.promote import steps
from knstack.promote.analysis_gate import run_analysis
from knstack.promote.audit import AuditRecord, actor, append_record, audit_path
from knstack.promote.engine import (
    Notify,
    Outcome,
    StepOptions,
    advance,
    describe_release,
    rollback,
)
from knstack.promote.gates import GateResult
from knstack.promote.journal import recover_pending
from knstack.promote.lock import promotion_lock
from knstack.promote.stackedit import release_fields
from knstack.promote.state import EnvState, load_state
from knstack.stack import Project
from knstack.stack.release import Release

Decision = Literal["advance", "rollback", "hold", "wait"]


@dataclass
class AutoOutcome:
    decision: Decision
    message: str
    analysis: AnalysisResult | None = None
    step: Outcome | None = None  # the advance or rollback written
    record: AuditRecord | None = None  # the hold record


def auto_advance(
    project: Project,
    service: str,
    env: str,
    options: StepOptions,
    *,
    on_gate: Callable[[GateResult], None] | None = None,
    notify: Notify | None = None,
) -> AutoOutcome:
    state = load_state(project, env)
    key, full = state.service_key(service)
    if not state.settings.analysis.checks_for(key):
        raise InputError(
            Problem(
                f"advance --auto needs analysis checks for {full} in {env}",
                file=str(state.file),
                field="knstack:analysis.checks",
            )
        )
    release = state.settings.releases.get(key)
    if release is None or release.candidate is None:
        return AutoOutcome("wait", f"no candidate in progress for {full} in {env}")
    if release.stage == 0:  # recorded, serving nothing yet: no metrics to judge
        step = advance(project, service, env, options, on_gate=on_gate, notify=notify)
        return AutoOutcome("advance", f"{release.candidate} starts serving", step=step)
    waiting = _soak_left(state, release, options.clock())
    if waiting > 0:
        return AutoOutcome(
            "wait",
            f"{release.candidate} has {waiting:.0f}s left to soak at stage {release.stage}; nothing to do yet",
        )
    result = run_analysis(state, service, options.sleep)
    assert result is not None  # checks exist and the candidate serves
    if result.verdict == "pass":
        step = advance(
            project, service, env, options, on_gate=on_gate, notify=notify, analysis=result
        )
        return AutoOutcome("advance", result.summary(), result, step=step)
    if result.verdict == "fail":
        reason = f"advance --auto: analysis failed: {result.summary()}"
        step = rollback(
            project,
            service,
            env,
            dataclasses.replace(options, force=False, reason=reason),
            on_gate=on_gate,
            notify=notify,
            analysis=result,
        )
        return AutoOutcome("rollback", result.summary(), result, step=step)
    return _hold(project, state, key, full, result, options, notify)


def _soak_left(state: EnvState, release: Release, now: datetime) -> float:
    """Seconds the stage still has to soak (the soak gate would refuse until then)."""
    soak = state.settings.canary.soak_seconds
    if soak <= 0 or not release.updated:
        return 0.0
    return soak - (now - steps.parse_timestamp(release.updated)).total_seconds()


def _hold(
    project: Project,
    state: EnvState,
    key: str,
    full: str,
    result: AnalysisResult,
    options: StepOptions,
    notify: Notify | None,
) -> AutoOutcome:
    release = state.settings.releases[key]
    plan, clusters = state.settings.canary, state.clusters
    here = release_fields(release, plan.wave_count)
    where = describe_release(release, plan, clusters)
    record = AuditRecord(
        time=steps.timestamp(options.clock()),
        action="hold",
        environment=state.name,
        service=full,
        revision=release.candidate,
        source=None,
        from_state=here,
        to_state=here,
        from_step=where,
        to_step=where,
        reason=f"advance --auto: analysis inconclusive: {result.summary()}",
        forced=(),
        gates=("analysis",),
        actor=actor(),
        analysis=result.to_dict(),
    )
    if not options.dry_run:
        waiting = (lambda: notify("waiting for another knstack promotion")) if notify else None
        with promotion_lock(project.stacks_dir, timeout=options.lock_timeout, waiting=waiting):
            recover_pending(project.stacks_dir, notify)
            append_record(audit_path(project.stacks_dir), record)
    return AutoOutcome("hold", result.summary(), result, record=record)
