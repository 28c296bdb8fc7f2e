"""Gates: what must hold before a promotion step is written.

- steps: nothing only `--force` allows (skipped steps, a rolled-back, older or replacing
  candidate), unless forced with a reason;
- soak: the stage being left has run for the environment's `soakTime`;
- render: the environment with the proposed state builds (knstack.build);
- validate: every manifest passes kubeconform -strict (knstack.validate); a missing
  kubeconform fails the gate, it is never skipped;
- policy: no mandatory policy fails (knstack.policy), the canary-max-step rule judging
  the real traffic moves of the step.

All of it runs in memory on the proposed stack file and ledger: nothing is written unless
every gate passes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from knstack.api.duration import format_go_duration
from knstack.build import EnvironmentBuild, build_environment
from knstack.errors import InputError, KnstackError
from knstack.ledger import RevisionLedger
from knstack.policy import CanaryStep
from knstack.policy.check import check_build, validate_rule_ids
from knstack.policy.locate import Location
from knstack.promote.steps import Transition
from knstack.stack import Project
from knstack.validate import SchemaOptions, validate_build
from knstack.validate.kubeconform import ToolMissing

CANARY_RULE = "canary-max-step"
DETAILS_SHOWN = 20


@dataclass(frozen=True)
class GateResult:
    name: str
    passed: bool
    summary: str
    details: tuple[str, ...] = ()
    forced: tuple[str, ...] = ()  # what --force let through


def steps_gate(transition: Transition, force: bool) -> GateResult:
    if not transition.needs_force:
        return GateResult("steps", True, "no skipped steps")
    if force:
        return GateResult("steps", True, "forced", forced=transition.needs_force)
    return GateResult("steps", False, "needs --force with a reason", transition.needs_force)


def soak_gate(
    what: str, since: datetime | None, soak_seconds: float, now: datetime, force: bool
) -> GateResult:
    """`what` has run since `since`; it must have for `soak_seconds`."""
    if soak_seconds <= 0:
        return GateResult("soak", True, "no soak time set")
    wanted = format_go_duration(soak_seconds)
    if since is None:
        return GateResult(
            "soak", True, f"{what}: start time not recorded; soak time {wanted} not checked"
        )
    elapsed = (now - since).total_seconds()
    if elapsed >= soak_seconds:
        return GateResult(
            "soak", True, f"{what} has soaked {format_go_duration(elapsed)} (at least {wanted})"
        )
    message = f"{what} has run {format_go_duration(max(elapsed, 0))} of the {wanted} soak time"
    if force:
        return GateResult("soak", True, "forced", forced=(message,))
    return GateResult(
        "soak",
        False,
        message,
        (f"wait {format_go_duration(soak_seconds - elapsed)} more, or use --wait",),
    )


def render_gate(
    project: Project, env: str, stack_data: dict[str, Any], ledger: RevisionLedger
) -> tuple[GateResult, EnvironmentBuild | None]:
    try:
        build = build_environment(project, env, stack_data=stack_data, ledger=ledger)
    except InputError as err:
        return GateResult(
            "render",
            False,
            f"{env} does not build with the new state",
            tuple(str(p) for p in err.problems),
        ), None
    manifests = sum(len(c.manifests) for c in build.clusters)
    return GateResult(
        "render", True, f"{manifests} manifests on {len(build.clusters)} cluster(s)"
    ), build


def validate_gate(build: EnvironmentBuild, options: SchemaOptions, stack_file: str) -> GateResult:
    try:
        report = validate_build(build, options, stack_file=stack_file)
    except ToolMissing as err:
        return GateResult("validate", False, "kubeconform is required for this gate", (str(err),))
    except InputError as err:
        return GateResult(
            "validate", False, "schemas could not be loaded", tuple(str(p) for p in err.problems)
        )
    except KnstackError as err:
        return GateResult("validate", False, "kubeconform could not run", (str(err),))
    counts = report.summary()
    if report.ok:
        return GateResult(
            "validate", True, f"{counts['valid']} objects valid (kubeconform -strict)"
        )
    details = []
    for result in report.failures[:DETAILS_SHOWN]:
        causes = (
            "; ".join(f"{e.field or '(object)'}: {e.message}" for e in result.errors)
            or result.message
            or result.status
        )
        details.append(f"{result.label} ({result.file}): {causes}")
    return GateResult(
        "validate",
        False,
        f"{counts['invalid'] + counts['error']} of {counts['objects']} objects fail",
        tuple(details),
    )


def policy_gate(
    project: Project,
    build: EnvironmentBuild,
    stack_file: str,
    steps: Sequence[CanaryStep],
    force: bool,
    *,
    any_rule: bool = False,
) -> GateResult:
    """With `force`, canary-max-step findings pass (recorded); with `any_rule` too (a
    rollback: returning to the stable revision must not wait for unrelated findings)."""
    try:
        validate_rule_ids(build.settings, stack_file, build.environment)
    except InputError as err:
        return GateResult(
            "policy", False, "bad policy settings", tuple(str(p) for p in err.problems)
        )
    report = check_build(
        build, canary_steps=steps, root=project.root, default_location=Location(stack_file)
    )
    blocking = [f for f in report.findings if f.blocking]
    forced = [f for f in blocking if force and (any_rule or f.rule.id == CANARY_RULE)]
    failing = [f for f in blocking if f not in forced]
    moves = ", ".join(f"{s.previous}%->{s.next}%" for s in steps) or "no traffic moves"
    if failing:
        details = tuple(
            f"{f.rule.id}: {f.text()}" + (f" ({f.location})" if f.location else "")
            for f in failing[:DETAILS_SHOWN]
        )
        return GateResult(
            "policy", False, f"{len(failing)} mandatory finding(s) ({moves})", details
        )
    return GateResult(
        "policy",
        True,
        f"no mandatory findings ({moves})" if not forced else "forced",
        forced=tuple(f"{f.rule.id}: {f.message}" for f in forced),
    )
