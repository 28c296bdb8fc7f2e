"""`knstack render`: manifests per environment and cluster, or from plain Knative YAML."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from knstack.cli.app import (
    EXIT_OK,
    PROJECT_DIR_OPTION,
    ChecksFailed,
    app,
    keep_until_exit,
    open_project,
    stderr,
    warn,
)
from knstack.errors import InputError, Problem

if TYPE_CHECKING:
    from knstack.build import EnvironmentBuild


class OutputFormat(str, Enum):
    yaml = "yaml"
    json = "json"


class LayoutChoice(str, Enum):
    object = "object"
    cluster = "cluster"


class BackendChoice(str, Enum):
    kubernetes = "kubernetes"
    knative = "knative"


class GatewayChoice(str, Enum):
    gateway_api = "gateway-api"
    nginx = "nginx"
    alb = "alb"
    istio = "istio"


def _value(choice: Enum | None) -> str | None:
    return choice.value if choice is not None else None


@app.command()
def render(
    stack: str | None = typer.Option(
        None, "--stack", "-s", help="Environment to render (stacks/Pulumi.<env>.yaml)."
    ),
    files: list[Path] = typer.Option(
        [],
        "--filename",
        "-f",
        help="Plain Knative YAML to render with default settings (repeatable).",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Output directory (default: out/ for --stack, stdout for -f)."
    ),
    fmt: OutputFormat = typer.Option(OutputFormat.yaml, "--format", help="yaml or json."),
    layout: LayoutChoice = typer.Option(
        LayoutChoice.object,
        "--layout",
        help="Files in the output directory: object (one per object, the default) or "
        "cluster (one manifests.yaml per cluster, for environments too large to keep a file "
        "per object). Each directory gets a kustomization.yaml either way.",
    ),
    backend: BackendChoice | None = typer.Option(
        None, "--backend", help="Override the environment's backend for this run."
    ),
    gateway: GatewayChoice | None = typer.Option(
        None, "--gateway", help="Override the environment's gateway for this run."
    ),
    locked: bool = typer.Option(
        False,
        "--locked",
        help="Fail (exit 1) instead of recording new revisions in the ledger (for CI).",
    ),
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Render manifests: one file per object under DIR/<env>/<cluster>/, atomically."""
    from knstack.build import build_environment, build_files
    from knstack.ledger import save_ledger
    from knstack.render.stdout import write_stream

    if bool(stack) == bool(files):
        raise typer.BadParameter(
            "give either --stack ENV or -f FILE (not both)", param_hint="--stack / -f"
        )
    if files and out is None and layout is not LayoutChoice.object:
        raise typer.BadParameter(
            "--layout arranges files in a directory: give --out DIR too", param_hint="--layout"
        )
    if files:
        build = build_files(files, backend=_value(backend), gateway=_value(gateway))
        keep_until_exit(build)
        warn(build.warnings)
        if out is None:
            write_stream(build, fmt.value, sys.stdout)
        else:
            _write(build, out, fmt, layout)
        return EXIT_OK
    assert stack is not None
    project = open_project(project_dir)
    build = build_environment(project, stack, backend=_value(backend), gateway=_value(gateway))
    keep_until_exit(build)
    if build.appended and locked:
        names = ", ".join(f"{entry.name} ({key})" for key, entry in build.appended)
        raise ChecksFailed(
            f"the revision ledger of {stack!r} is out of date: the components define new revisions ({names}); run `knstack render --stack {stack}` and commit {build.ledger_file}"
        )
    warn(build.warnings)
    target = _write(build, out or project.root / "out", fmt, layout)
    if build.appended and build.ledger_file is not None:
        save_ledger(build.ledger_file, build.ledger)
        for key, entry in build.appended:
            stderr.print(f"ledger: recorded {entry.name} (generation {entry.generation}) for {key}")
    total = sum(len(c.manifests) for c in build.clusters)
    stderr.print(
        f"rendered {total} objects for {stack} ({len(build.clusters)} cluster(s)) into {target}"
    )
    return EXIT_OK


def _write(build: EnvironmentBuild, out: Path, fmt: OutputFormat, layout: LayoutChoice) -> Path:
    from knstack.render import write_environment

    if out.exists() and not out.is_dir():
        raise InputError(Problem("is not a directory", file=str(out)))
    # isatty first: rich (50 ms to import) is needed only to draw the progress bar.
    if not sys.stderr.isatty() or not stderr.is_terminal:
        return write_environment(build, out, fmt.value, layout=layout.value)
    from rich.progress import Progress

    with Progress(console=stderr, transient=True) as progress:
        task = progress.add_task(f"writing {build.environment}", total=None)

        def track(items: Iterable[tuple[str, Any]]) -> Iterable[tuple[str, Any]]:
            items = list(items)
            progress.update(task, total=len(items))
            for item in items:
                yield item
                progress.advance(task)

        return write_environment(build, out, fmt.value, progress=track, layout=layout.value)
