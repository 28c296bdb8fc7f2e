"""`knstack drift --stack ENV`: the environment's render against its live clusters.

Exit codes: 0 no drift (after --prune: none left), 1 drift found (or a cluster did not answer), 2 bad input (no such
environment, no kubeconfig or context).
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from knstack.cli.app import (
    EXIT_CHECKS_FAILED,
    EXIT_OK,
    PROJECT_DIR_OPTION,
    app,
    escape,
    open_project,
    stderr,
    stdout,
    warn,
)

if TYPE_CHECKING:
    from knstack.live.drift import DriftReport


class DriftFormat(str, Enum):
    text = "text"
    json = "json"


@app.command()
def drift(
    stack: str = typer.Option(
        ..., "--stack", "-s", help="The environment to compare with its clusters."
    ),
    fmt: DriftFormat = typer.Option(DriftFormat.text, "--format", help="text, or json."),
    do_prune: bool = typer.Option(
        False,
        "--prune",
        help="Delete the extra objects (in the render's namespaces, no longer rendered, owned "
        "by nothing), as a GitOps sync with pruning would.",
    ),
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Rendered objects against live ones, per cluster: missing, extra and changed fields."""
    from knstack.build import build_environment
    from knstack.live.drift import environment_drift, prune

    project = open_project(project_dir)
    build = build_environment(project, stack)
    warn(build.warnings)
    report = environment_drift(build, str(project.stack_file(stack)))
    pruned = prune(build, report, str(project.stack_file(stack))) if do_prune else []
    for d in pruned:
        stderr.print(f"pruned {escape(d.cluster)}: {escape(d.label)}")
    if fmt is DriftFormat.json:
        typer.echo(json.dumps(_document(report), indent=2, default=str))
    else:
        _print(report)
    return EXIT_CHECKS_FAILED if report.drifts else EXIT_OK


def _document(report: DriftReport) -> dict[str, object]:
    return {
        "apiVersion": "knstack.dev/v1alpha1",
        "kind": "DriftReport",
        "environment": report.environment,
        "clusters": report.clusters,
        "checked": report.checked,
        "drift": [d.to_dict() for d in report.drifts],
    }


def _print(report: DriftReport) -> None:
    marks = {"missing": "[red]-[/red]", "extra": "[yellow]+[/yellow]", "changed": "[cyan]~[/cyan]"}
    for d in report.drifts:
        stdout.print(f"{marks[d.state]} {escape(d.cluster)}: {escape(d.label)} ({d.state})")
        for change in d.fields:
            stdout.print(
                f"    {escape(change.path)}: rendered {escape(json.dumps(change.rendered, default=str))}, "
                f"live {escape(json.dumps(change.live, default=str))}"
            )
    counts = {
        s: sum(1 for d in report.drifts if d.state == s) for s in ("missing", "changed", "extra")
    }
    line = (
        f"{report.checked} objects in environment {report.environment} "
        f"({', '.join(report.clusters)}): {counts['missing']} missing, {counts['changed']} changed, "
        f"{counts['extra']} extra"
    )
    stdout.print(
        f"[red]✗[/red] {escape(line)}" if report.drifts else f"[green]✓[/green] {escape(line)}"
    )
