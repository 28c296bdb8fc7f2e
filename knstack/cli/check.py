"""`knstack check`: policy-as-code over an environment or plain Knative YAML.

Exit codes: 0 when no mandatory rule fails (advisory findings and waived ones do not
count), 1 when one does, 2 on bad input (files, settings, usage).
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from knstack.cli.app import (
    EXIT_CHECKS_FAILED,
    EXIT_OK,
    app,
    open_project,
    stderr,
    stdout,
    warn,
)
from knstack.errors import InputError, Problem


class CheckFormat(str, Enum):
    human = "human"
    json = "json"
    junit = "junit"
    sarif = "sarif"


@app.command()
def check(
    stack: Annotated[
        str | None,
        typer.Option(
            "--stack",
            "-s",
            help="Environment to check (stacks/Pulumi.<env>.yaml, its ledger, components/).",
        ),
    ] = None,
    files: Annotated[
        list[Path] | None,
        typer.Option(
            "--filename",
            "-f",
            help="Plain Knative YAML to check with default settings (repeatable).",
        ),
    ] = None,
    fmt: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            help="human (table), json, junit or sarif (SARIF 2.1.0 for code scanning).",
        ),
    ] = CheckFormat.human,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the report to FILE (atomically) instead of stdout."
        ),
    ] = None,
    list_rules: Annotated[
        bool,
        typer.Option("--list-rules", help="List the rules (id, level, concern, checks) and exit."),
    ] = False,
    project_dir: Annotated[
        Path | None,
        typer.Option(
            "--project-dir",
            "-C",
            help="Project root (the directory with Pulumi.yaml). Default: found from the current "
            "directory.",
        ),
    ] = None,
) -> int:
    """Check policies: exit 1 when a mandatory rule fails, 0 otherwise (2 on bad input)."""
    from knstack.fsutil import atomic_write_text
    from knstack.policy import check_environment, check_files
    from knstack.policy.formats import render_report
    from knstack.policy.formats.human import human_renderable

    if list_rules:
        _print_rules()
        return EXIT_OK
    if bool(stack) == bool(files):
        raise typer.BadParameter(
            "give either --stack ENV or -f FILE (not both)", param_hint="--stack / -f"
        )
    files = files or []
    report = check_environment(open_project(project_dir), stack) if stack else check_files(files)
    warn(report.warnings)
    if output is not None:
        if output.is_dir():
            raise InputError(
                Problem("is a directory; give a file name for the report", file=str(output))
            )
        atomic_write_text(output, render_report(report, fmt.value))
        verdict = "passed" if report.passed else "failed"
        stderr.print(
            f"knstack check {report.environment}: {verdict} "
            f"({report.count('mandatory')} mandatory, {report.count('advisory')} advisory, "
            f"{report.waived} waived); report written to {output}"
        )
    elif fmt is CheckFormat.human:
        stdout.print(human_renderable(report))
    else:
        typer.echo(render_report(report, fmt.value), nl=False)
    return EXIT_OK if report.passed else EXIT_CHECKS_FAILED


def _print_rules() -> None:
    from rich.table import Table

    from knstack.policy import all_rules

    table = Table(show_lines=False)
    for column in ("Rule", "Default level", "Concern", "Looks at", "Checks"):
        table.add_column(column, overflow="fold")
    for rule in all_rules():
        table.add_row(rule.id, rule.severity, rule.concern, rule.scope, rule.title)
    stdout.print(table)
