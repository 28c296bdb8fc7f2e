"""`knstack validate`: schema checks with kubeconform -strict, offline, for CI and people.

Exit codes: 0 every object valid, 1 an object is invalid or could not be checked (no
schema, not YAML), 2 bad input (no such environment or path, unknown Kubernetes version,
broken CRD file, kubeconform not installed).
"""

from __future__ import annotations

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
    quiet,
    stderr,
    stdout,
    warn,
)
from knstack.cli.render import BackendChoice, GatewayChoice

if TYPE_CHECKING:
    from rich.console import Console

    from knstack.validate import ValidationReport


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    junit = "junit"


@app.command()
def validate(
    paths: list[Path] = typer.Argument(
        None, help="Manifest files or directories to check (e.g. out/test)."
    ),
    stack: str | None = typer.Option(
        None, "--stack", "-s", help="Render this environment (in memory) and check its manifests."
    ),
    crds: list[Path] = typer.Option(
        [],
        "--crds",
        envvar="KNSTACK_CRDS",
        help="CRD file or directory of CRDs giving schemas for custom resources (repeatable).",
    ),
    download_crds: bool = typer.Option(
        False,
        "--download-crds",
        help="Fetch the pinned Knative, Gateway API, KEDA, Istio and Tekton CRDs once (needs a network).",
    ),
    kubernetes_version: str | None = typer.Option(
        None,
        "--kubernetes-version",
        help="Check against this Kubernetes version (default: the environment's knstack:kubernetesVersion).",
    ),
    fmt: ReportFormat = typer.Option(
        ReportFormat.text, "--format", help="text (a summary), json or junit."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="Write the json/junit report to FILE instead of stdout."
    ),
    backend: BackendChoice | None = typer.Option(
        None, "--backend", help="With --stack: override the environment's backend."
    ),
    gateway: GatewayChoice | None = typer.Option(
        None, "--gateway", help="With --stack: override the environment's gateway."
    ),
    server_side: bool = typer.Option(
        False,
        "--server-side",
        help="With --stack: send each object to its cluster's API server as a dry-run "
        "server-side apply (the kubeconfig context the stack names) instead of kubeconform.",
    ),
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Check manifests against Kubernetes and CRD schemas with kubeconform -strict, or
    with --server-side against the live clusters' API servers."""
    from knstack.validate import SchemaOptions, validate_build, validate_paths

    paths = paths or []
    if bool(stack) == bool(paths):
        raise typer.BadParameter(
            "give either --stack ENV or PATH... (not both)", param_hint="--stack / PATH"
        )
    if output is not None and fmt is ReportFormat.text:
        raise typer.BadParameter("--output needs --format json or junit", param_hint="--output")
    if server_side and not stack:
        raise typer.BadParameter("--server-side needs --stack ENV", param_hint="--server-side")
    if stack is None and (backend or gateway):
        raise typer.BadParameter(
            "--backend and --gateway apply to --stack", param_hint="--backend / --gateway"
        )
    options = SchemaOptions(
        crd_paths=tuple(crds), download_crds=download_crds, kubernetes_version=kubernetes_version
    )
    if stack:
        from knstack.build import build_environment

        project = open_project(project_dir)
        build = build_environment(
            project,
            stack,
            backend=backend.value if backend else None,
            gateway=gateway.value if gateway else None,
        )
        warn(build.warnings)
        if server_side:
            from knstack.live.dryrun import validate_server_side

            report = validate_server_side(build, str(project.stack_file(stack)))
        else:
            report = validate_build(build, options, stack_file=str(project.stack_file(stack)))
    else:
        report = validate_paths(paths, options)
    warn(report.warnings)
    _emit(report, fmt, output)
    return EXIT_OK if report.ok else EXIT_CHECKS_FAILED


def _emit(report: ValidationReport, fmt: ReportFormat, output: Path | None) -> None:
    from knstack.fsutil import atomic_write_text

    if fmt is ReportFormat.text:
        print_report(report, stdout)
        return
    text = report.to_json() if fmt is ReportFormat.json else report.to_junit()
    if output is not None:
        atomic_write_text(output, text)
        print_report(report, stdout)
        stdout.print(f"report written to {escape(str(output))}")
    else:
        typer.echo(text, nl=False)
        print_report(report, stderr)


def print_report(report: ValidationReport, console: Console) -> None:
    """What failed, where, and why (one block per object); then one line of counts."""
    sources = report.sources
    if not quiet():  # which schemas judged: context, not a result
        console.print(escape(sources.describe()), style="dim")
    for result in report.failures:
        mark = "[red]✗[/red]" if result.status == "invalid" else "[yellow]![/yellow]"
        console.print(
            f"{mark} [bold]{escape(result.label)}[/bold]  [dim]{escape(result.file)}[/dim]"
        )
        for error in result.errors:
            console.print(
                f"    [cyan]{escape(error.field or '(object)')}[/cyan]: {escape(error.message)}"
            )
        if result.message:
            console.print(f"    {escape(result.message)}")
    counts = report.summary()
    line = (
        f"{counts['objects']} objects in {report.target}: {counts['valid']} valid, {counts['invalid']} invalid, "
        f"{counts['error']} not checked, {counts['skipped']} skipped"
    )
    console.print(
        f"[green]✓[/green] {escape(line)}" if report.ok else f"[red]✗[/red] {escape(line)}"
    )
