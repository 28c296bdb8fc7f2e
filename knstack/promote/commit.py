"""The second half of a promotion step: gate the new release state, then write it.

The new stack file is rendered, validated and checked in memory (`gates`); only when every
gate passes are the ledger, the stack file and one audit record written as one unit
(knstack/promote/journal.py). A refused step writes nothing.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from knstack.analysis import AnalysisResult
from knstack.errors import InputError, Problem
from knstack.ledger import RevisionLedger, ledger_text
from knstack.promote import steps
from knstack.promote.audit import AuditRecord, actor, audit_path, record_line
from knstack.promote.gates import (
    GateResult,
    policy_gate,
    render_gate,
    steps_gate,
    validate_gate,
)
from knstack.promote.journal import PendingStep, commit_step
from knstack.promote.outcome import GateFailed, Outcome, StepOptions
from knstack.promote.source import Passed
from knstack.promote.stackedit import release_fields, set_release
from knstack.promote.state import EnvState, stack_data
from knstack.promote.steps import Transition, describe_step
from knstack.stack import Project
from knstack.stack.release import CanaryPlan, Release

__all__ = ["Step", "audit_record", "describe_release", "finish_step"]


@dataclass(frozen=True)
class Step:
    """One decided step: the environment it changes, the service, the transition and the
    ledger to write with it."""

    state: EnvState
    service: str  # namespace/name
    transition: Transition
    ledger: RevisionLedger
    source: Passed | None = None
    analysis: AnalysisResult | None = None


def finish_step(
    project: Project,
    step: Step,
    extra: list[GateResult],
    options: StepOptions,
    now: datetime,
    on_gate: Callable[[GateResult], None] | None,
) -> Outcome:
    """Gate the step and, unless refused or a dry run, write it."""
    state, transition = step.state, step.transition
    if not transition.changed:
        return Outcome(state.name, transition)
    if options.force and not (options.reason and options.reason.strip()):
        raise InputError(
            Problem("--force needs --reason: say why, it goes into the audit log", field="--reason")
        )
    new_text = set_release(
        state.text,
        transition.service,
        release_fields(transition.new, state.settings.canary.wave_count),
        file=str(state.file),
    )
    stack_file = relative(state.file, project.root)
    gates = _gates(project, step, new_text, stack_file, extra, options, on_gate)
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
    outcome = Outcome(state.name, transition, gates, stack_diff=diff, source=step.source)
    if not options.dry_run:
        _write(project, step, new_text, outcome, options, now)
    return outcome


def _gates(
    project: Project,
    step: Step,
    new_text: str,
    stack_file: str,
    extra: list[GateResult],
    options: StepOptions,
    on_gate: Callable[[GateResult], None] | None,
) -> list[GateResult]:
    """Every gate in order: the step's own rules, the caller's, then render, validate and
    policy on the environment with the new state."""
    state, transition = step.state, step.transition
    gates: list[GateResult] = []

    def record(gate: GateResult) -> None:
        gates.append(gate)
        if on_gate is not None:
            on_gate(gate)

    record(steps_gate(transition, options.force))
    for gate in extra:
        record(gate)
    rendered, build = render_gate(
        project, state.name, stack_data(new_text, state.file), step.ledger
    )
    record(rendered)
    if build is not None:
        record(validate_gate(build, options.schema, stack_file))
        moves = steps.traffic_moves(step.service, transition, state.settings.canary, state.clusters)
        rollback = transition.action == "rollback"
        record(policy_gate(project, build, stack_file, moves, options.force, any_rule=rollback))
    return gates


def _write(
    project: Project,
    step: Step,
    new_text: str,
    outcome: Outcome,
    options: StepOptions,
    now: datetime,
) -> None:
    """The ledger (when it changed), the stack file and the audit record, as one unit."""
    state, transition = step.state, step.transition
    record = audit_record(state, step.service, transition, outcome.gates, options, now, step.source)
    if step.analysis is not None:
        record = dataclasses.replace(record, analysis=step.analysis.to_dict())
    outcome.record = record
    files = (
        {state.ledger_file.name: ledger_text(step.ledger)} if step.ledger != state.ledger else {}
    )
    files[state.file.name] = new_text
    audit = audit_path(project.stacks_dir)
    commit_step(
        project.stacks_dir,
        PendingStep(
            summary=f"{transition.action} {step.service} in {state.name}",
            files=files,
            audit_file=audit.name,
            audit_line=record_line(record),
        ),
    )
    outcome.written += [project.stacks_dir / name for name in files] + [audit]


def audit_record(
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


def relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
