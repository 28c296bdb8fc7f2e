"""`knstack status` and `knstack diff`: where releases stand, and what promoting would change.

status exits 0 (2 when an environment does not build; the others are still shown).
diff exits 0, or with --exit-code 1 when promoting would change something (as `git diff`).
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from knstack.cli.app import (
    EXIT_BAD_INPUT,
    EXIT_CHECKS_FAILED,
    EXIT_OK,
    PROJECT_DIR_OPTION,
    app,
    escape,
    open_project,
    stderr,
)

if TYPE_CHECKING:
    from knstack.promote.status import StatusRecord


class StatusFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
def status(
    stack: list[str] = typer.Option(
        [],
        "--stack",
        "-s",
        help="Only these environments (repeatable; default: all, in promotion order).",
    ),
    service: str | None = typer.Option(
        None, "--service", help="Only this Service (name or namespace/name)."
    ),
    fmt: StatusFormat = typer.Option(
        StatusFormat.table, "--format", help="table, or json (a list of records)."
    ),
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Services by environment and cluster: stable, candidate, stage, candidate's percent, state, retained revisions, last move."""
    from knstack.promote.status import status_records

    records, problems = status_records(open_project(project_dir), stack or None, service)
    if fmt is StatusFormat.json:
        typer.echo(json.dumps([r.to_dict() for r in records], indent=2))
    else:
        typer.echo(_table(records), nl=False)
    for problem in problems:
        stderr.print(f"[red]error:[/red] {escape(str(problem))}")
    return EXIT_BAD_INPUT if problems else EXIT_OK


def _table(records: list[StatusRecord]) -> str:
    """Aligned columns, as `kubectl get` prints them (whole cells, fine for grep and awk)."""
    from knstack.promote.status import last_moved

    rows = [
        [
            "ENV",
            "CLUSTER",
            "SERVICE",
            "STABLE",
            "CANDIDATE",
            "STAGE",
            "PERCENT",
            "STATE",
            "RETAINED",
            "LAST MOVED",
        ]
    ]
    for r in records:
        stage = f"{r.stage}/{r.stages}" if r.candidate else "-"
        if r.candidate and r.wave is not None:
            stage = f"wave {r.wave}/{r.waves} {stage}"
        state = r.state if r.managed else f"{r.state} (no release state)"
        percent = f"{r.percent}%" if r.candidate else "-"
        rows.append(
            [
                r.env,
                r.cluster,
                r.service,
                r.stable or "-",
                r.candidate or "-",
                stage,
                percent,
                state,
                ",".join(item["revision"] for item in r.retained) or "-",
                last_moved(r),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() + "\n"
        for row in rows
    )


@app.command()
def diff(
    source: str = typer.Argument(
        ..., help="The environment a revision is promoted from (e.g. staging)."
    ),
    target: str = typer.Argument(..., help="The environment it is promoted into (e.g. prod)."),
    service: list[str] = typer.Option([], "--service", help="Only these Services (repeatable)."),
    exit_code: bool = typer.Option(
        False,
        "--exit-code",
        help="Exit 1 when promoting would change something (as git diff --exit-code).",
    ),
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """What promoting from SOURCE to TARGET would change: release state, ledger, revision templates, rendered manifests."""
    from knstack.promote.diff import promotion_diff

    result = promotion_diff(open_project(project_dir), source, target, service)
    typer.echo(result.text(), nl=False)
    return EXIT_CHECKS_FAILED if exit_code and result.changed else EXIT_OK
