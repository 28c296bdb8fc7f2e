"""`knstack schema`: the JSON Schemas of knstack's inputs, for editors (see docs/editor-support.md)."""

from __future__ import annotations

from enum import Enum
from pathlib import Path

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
)
from knstack.errors import InputError


class SchemaName(str, Enum):
    stack = "stack"
    knative = "knative"
    ledger = "ledger"


@app.command()
def schema(
    name: SchemaName | None = typer.Argument(
        None, help="Print one schema: stack, knative or ledger."
    ),
    write: bool = typer.Option(
        False, "--write", help="Write every schema file into the schemas directory."
    ),
    check: bool = typer.Option(
        False, "--check", help="Exit 1 if the schema files are missing or out of date (for CI)."
    ),
    directory: Path | None = typer.Option(
        None, "--dir", help="Schemas directory (default: schemas/ in the project root)."
    ),
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Print, write or check the JSON Schemas of stack files, Knative objects and ledgers."""
    from knstack.validate.input_schemas import generate, stale_schemas, write_schemas

    if sum([name is not None, write, check]) != 1:
        raise typer.BadParameter(
            "give one of NAME, --write or --check", param_hint="NAME / --write / --check"
        )
    if name is not None:
        typer.echo(generate()[f"{name.value}.schema.json"], nl=False)
        return EXIT_OK
    target = directory or _default_directory(project_dir)
    if write:
        written = write_schemas(target)
        stderr.print(
            f"wrote {len(written)} schema file(s) into {escape(str(target))}"
            if written
            else f"{escape(str(target))} is up to date"
        )
        return EXIT_OK
    stale = stale_schemas(target)
    for file in stale:
        stdout.print(f"[red]✗[/red] {escape(str(target / file))} is missing or out of date")
    if stale:
        stdout.print("run `knstack schema --write` and commit the result")
        return EXIT_CHECKS_FAILED
    stdout.print(f"[green]✓[/green] {escape(str(target))} matches the models")
    return EXIT_OK


def _default_directory(project_dir: Path | None) -> Path:
    from knstack.validate.input_schemas import SCHEMA_DIR

    try:
        return open_project(project_dir).root / SCHEMA_DIR
    except InputError:
        if project_dir is not None:
            raise
        return Path.cwd() / SCHEMA_DIR
