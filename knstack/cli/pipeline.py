"""`knstack pipeline`: generate the CI/CD pipeline that checks pull requests and promotes
releases (GitHub Actions workflow, or a Tekton Pipeline)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

import typer

from knstack.cli.app import EXIT_OK, PROJECT_DIR_OPTION, app, escape, open_project, stderr
from knstack.errors import InputError, Problem


class PipelineFormat(str, Enum):
    github_actions = "github-actions"
    tekton = "tekton"


@app.command()
def pipeline(
    fmt: PipelineFormat = typer.Option(
        ...,
        "--format",
        help="github-actions (a workflow file) or tekton (a tekton.dev/v1 Pipeline).",
    ),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Write to FILE (atomically; e.g. .github/workflows/knstack.yaml) instead of stdout.",
    ),
    crds: str | None = typer.Option(
        None,
        "--crds",
        help="github-actions: a directory of CRDs in the repository for validation (default: download the pinned ones).",
    ),
    name: str = typer.Option("knstack-promote", "--name", help="tekton: the Pipeline's name."),
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Write a pipeline: checks on pull requests, then promotion per environment and wave."""
    from knstack.fsutil import atomic_write_text
    from knstack.promote.pipelines import github_workflow, pipeline_model, tekton_pipeline

    project = open_project(project_dir)
    model = pipeline_model(project)
    text = (
        github_workflow(model, project.root, crds)
        if fmt is PipelineFormat.github_actions
        else tekton_pipeline(model, name)
    )
    if output is None:
        typer.echo(text, nl=False)
        return EXIT_OK
    if output.is_dir():
        raise InputError(Problem("is a directory; give a file name", file=str(output)))
    atomic_write_text(output, text)
    stderr.print(
        f"wrote {escape(str(output))}: {len(model.jobs)} promotion job(s) over {', '.join(model.chain)}"
    )
    return EXIT_OK
