"""`knstack promote`, `advance`, `rollback`: move a release, with gates, in the stack files.

Exit codes: 0 the step was written (or there was nothing to do), 1 a gate or the release
state refused it (nothing written), 2 bad input (unknown environment or service, --force
without --reason, kubeconform-independent problems in the files).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from knstack.cli.app import EXIT_OK, PROJECT_DIR_OPTION, app, escape, open_project, stderr, stdout

if TYPE_CHECKING:
    from knstack.promote import Outcome, StepOptions
    from knstack.promote.gates import GateResult
    from knstack.promote.steps import Target
    from knstack.stack import Project

FORCE_OPTION = typer.Option(
    False,
    "--force",
    help="Allow what the gates refuse on purpose: skipped steps, a rolled-back or older candidate, an unsoaked stage, a canary step above maxCanaryStep. Needs --reason.",
)
REASON_OPTION = typer.Option(
    None, "--reason", help="Why (recorded in stacks/audit.log.jsonl; required with --force)."
)
CRDS_OPTION = typer.Option(
    [],
    "--crds",
    envvar="KNSTACK_CRDS",
    help="CRD files or directories for the validate gate (repeatable).",
)
DOWNLOAD_OPTION = typer.Option(
    False,
    "--download-crds",
    help="Validate against the pinned upstream CRDs, fetched once (needs a network).",
)
DRY_RUN_OPTION = typer.Option(
    False, "--dry-run", help="Run the gates and show the change; write nothing."
)
LOCK_TIMEOUT_OPTION = typer.Option(
    120.0, "--lock-timeout", help="Seconds to wait for another promotion in this project to finish."
)


def _options(
    force: bool,
    reason: str | None,
    crds: list[Path],
    download_crds: bool,
    dry_run: bool,
    lock_timeout: float,
    wait: bool = False,
) -> StepOptions:
    from knstack.promote import StepOptions
    from knstack.validate import SchemaOptions

    return StepOptions(
        force=force,
        reason=reason,
        schema=SchemaOptions(crd_paths=tuple(crds), download_crds=download_crds),
        dry_run=dry_run,
        lock_timeout=lock_timeout,
        wait=wait,
    )


def _gate_printer(title: str) -> Callable[[GateResult], None]:
    """Print each gate as it finishes, under a title printed with the first one."""
    shown: list[bool] = []

    def show(gate: GateResult) -> None:
        if not shown:
            stderr.print(f"{escape(title)}: gates", style="bold")
            shown.append(True)
        _show_gate(gate)

    return show


def _show_gate(gate: GateResult) -> None:
    mark = "[green]✓[/green]" if gate.passed else "[red]✗[/red]"
    stderr.print(f"  {mark} {gate.name}: {escape(gate.summary)}")
    for detail in gate.details:
        stderr.print(f"      {escape(detail)}")
    for item in gate.forced:
        stderr.print(f"      [yellow]forced:[/yellow] {escape(item)}")


def _note(message: str) -> None:
    stderr.print(escape(message), style="dim")


def _report(outcome: Outcome, dry_run: bool) -> int:
    transition = outcome.transition
    if not transition.changed:
        stdout.print(f"{escape(outcome.environment)}: nothing to do: {escape(transition.message)}")
        return EXIT_OK
    if dry_run:
        stdout.print(outcome.stack_diff, end="", markup=False, highlight=False)
        stderr.print("dry run: every gate passed; nothing was written")
        return EXIT_OK
    record = outcome.record
    assert record is not None
    stdout.print(
        f"{escape(outcome.environment)}: {escape(record.service)}: {escape(record.from_step)} -> {escape(record.to_step)}"
    )
    return EXIT_OK


@app.command(name="promote")
def promote_command(
    service: str = typer.Argument(..., help="The Service (name, or namespace/name)."),
    to: str = typer.Option(
        ...,
        "--to",
        help="The environment to promote into (its knstack:promotion.from is the source).",
    ),
    force: bool = FORCE_OPTION,
    reason: str | None = REASON_OPTION,
    crds: list[Path] = CRDS_OPTION,
    download_crds: bool = DOWNLOAD_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    lock_timeout: float = LOCK_TIMEOUT_OPTION,
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Start the revision that passed the previous environment at the first stage (and wave) of --to."""
    from knstack.promote import promote

    project = open_project(project_dir)
    options = _options(force, reason, crds, download_crds, dry_run, lock_timeout)
    gates = _gate_printer(f"promote {service} to {to}")
    outcome = _guarded(lambda: promote(project, service, to, options, on_gate=gates, notify=_note))
    if outcome.source is not None and outcome.changed:
        stderr.print(
            f"  {escape(outcome.source.revision)}: {escape(outcome.source.how)}", style="dim"
        )
    return _report(outcome, dry_run)


@app.command(name="advance")
def advance_command(
    service: str = typer.Argument(..., help="The Service (name, or namespace/name)."),
    stack: str = typer.Option(..., "--stack", "-s", help="The environment."),
    stage: int | None = typer.Option(
        None,
        "--stage",
        min=1,
        help="Go to this stage (of --wave, default the wave in progress); skipping stages needs --force.",
    ),
    wave: int | None = typer.Option(
        None, "--wave", min=1, help="With --stage: the wave of the target stage."
    ),
    stable: bool = typer.Option(
        False,
        "--stable",
        help="Go straight to stable (needs --force unless at the last stage of the last wave).",
    ),
    wait: bool = typer.Option(
        False,
        "--wait",
        help="If the stage has not soaked yet, wait for it instead of refusing (for pipelines).",
    ),
    auto: bool = typer.Option(
        False,
        "--auto",
        help="Let the analysis checks decide: advance on pass, roll back on fail, hold (and record it) when inconclusive.",
    ),
    force: bool = FORCE_OPTION,
    reason: str | None = REASON_OPTION,
    crds: list[Path] = CRDS_OPTION,
    download_crds: bool = DOWNLOAD_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    lock_timeout: float = LOCK_TIMEOUT_OPTION,
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Move the candidate to the next stage; after the last stage of a wave, the next wave; after the last wave, stable."""
    from knstack.promote import STABLE, advance

    if stable and (stage or wave):
        raise typer.BadParameter(
            "give --stable or --stage (not both)", param_hint="--stable / --stage"
        )
    if wave is not None and stage is None:
        raise typer.BadParameter("--wave needs --stage", param_hint="--wave")
    if auto and (stable or stage or force or wait):
        raise typer.BadParameter(
            "--auto decides the step itself: no --stage, --stable, --wait or --force",
            param_hint="--auto",
        )
    project = open_project(project_dir)
    options = _options(force, reason, crds, download_crds, dry_run, lock_timeout, wait)
    if auto:
        return _auto(project, service, stack, options, dry_run)
    target: Target | None = STABLE if stable else None
    if stage is not None:
        target = _stage_target(project, stack, service, stage, wave)
    gates = _gate_printer(f"advance {service} in {stack}")
    outcome = _guarded(
        lambda: advance(
            project, service, stack, options, target=target, on_gate=gates, notify=_note
        )
    )
    return _report(outcome, dry_run)


@app.command(name="rollback")
def rollback_command(
    service: str = typer.Argument(..., help="The Service (name, or namespace/name)."),
    stack: str = typer.Option(..., "--stack", "-s", help="The environment."),
    force: bool = typer.Option(
        False,
        "--force",
        help="Roll back even if mandatory policies fail (recorded; render and validation must still pass). Needs --reason.",
    ),
    reason: str | None = REASON_OPTION,
    crds: list[Path] = CRDS_OPTION,
    download_crds: bool = DOWNLOAD_OPTION,
    dry_run: bool = DRY_RUN_OPTION,
    lock_timeout: float = LOCK_TIMEOUT_OPTION,
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Send all traffic back to the stable revision; the candidate is marked rolled back.

    A rolled-back candidate is not promoted again without --force. Without a candidate, the
    release returns to its previous stable revision.
    """
    from knstack.promote import rollback

    project = open_project(project_dir)
    options = _options(force, reason, crds, download_crds, dry_run, lock_timeout)
    gates = _gate_printer(f"rollback {service} in {stack}")
    outcome = _guarded(
        lambda: rollback(project, service, stack, options, on_gate=gates, notify=_note)
    )
    return _report(outcome, dry_run)


def _guarded(call: Callable[[], Outcome]) -> Outcome:
    from knstack.promote import GateFailed

    try:
        return call()
    except GateFailed:
        stderr.print("[red]refused:[/red] a gate failed; nothing was changed")
        raise


def _stage_target(
    project: Project, stack: str, service: str, stage: int, wave: int | None
) -> Target:
    from knstack.promote.state import load_state

    release = load_state(project, stack).release(service)
    current_wave = release.wave if release is not None else 1
    return (wave or current_wave, stage)


def _auto(project: Project, service: str, stack: str, options: StepOptions, dry_run: bool) -> int:
    """advance --auto: exit 0 when it decided (advance, rollback, hold, or nothing yet)."""
    from knstack.cli.analyze import show_analysis
    from knstack.promote.auto import auto_advance

    gates = _gate_printer(f"advance --auto {service} in {stack}")
    done = auto_advance(project, service, stack, options, on_gate=gates, notify=_note)
    if done.analysis is not None:
        show_analysis(done.analysis)
    if done.step is not None:
        stdout.print(f"decision: {done.decision}")
        return _report(done.step, dry_run)
    if done.decision == "hold":
        stdout.print(
            f"decision: hold: {escape(stack)}: the analysis was inconclusive; nothing changed"
            + ("" if dry_run else " (recorded in the audit log)")
        )
    else:
        stdout.print(f"{escape(stack)}: nothing to do: {escape(done.message)}")
    return EXIT_OK
