"""`knstack analyze SERVICE --stack ENV`: judge the candidate on live metrics.

Exit codes: 0 every check passed, 1 a check failed, 4 inconclusive (no data, NaN, the
provider unreachable, a query error: never a pass), 2 bad input (no checks, no candidate,
an unknown variable in a query).
"""

from __future__ import annotations

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
    stdout,
)

if TYPE_CHECKING:
    from knstack.analysis import AnalysisResult

EXIT_INCONCLUSIVE = 4
EXIT_CODES = {"pass": EXIT_OK, "fail": EXIT_CHECKS_FAILED, "inconclusive": EXIT_INCONCLUSIVE}
MARKS = {"pass": "[green]✓[/green]", "fail": "[red]✗[/red]", "inconclusive": "[yellow]?[/yellow]"}


def show_analysis(result: AnalysisResult) -> None:
    """Each check with every measurement, then the verdict (on stdout)."""
    stable = f" (stable {result.stable})" if result.stable else ""
    stdout.print(
        f"{escape(result.environment)}: {escape(result.service)}: analysis of {escape(result.revision)}{escape(stable)}"
    )
    for check in result.checks:
        wanted = check.check.success.describe()
        stdout.print(
            f"  {MARKS[check.verdict]} {escape(check.check.name)}: {check.verdict} (wanted {escape(wanted)})"
        )
        for number, measurement in enumerate(check.measurements, start=1):
            stdout.print(
                f"      {number}. {escape(measurement.describe())} -> {measurement.verdict}"
            )
        if check.verdict != "pass":
            stdout.print(f"      query: {escape(check.query)}")
    stdout.print(f"verdict: {result.verdict}")


@app.command(name="analyze")
def analyze_command(
    service: str = typer.Argument(..., help="The Service (name, or namespace/name)."),
    stack: str = typer.Option(..., "--stack", "-s", help="The environment."),
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Run the environment's analysis checks on the service's candidate; exit 0 pass, 1 fail, 4 inconclusive."""
    from knstack.analysis import analyze
    from knstack.promote.state import load_state

    project = open_project(project_dir)
    state = load_state(project, stack)
    result = analyze(state, service)
    if result is None:
        stderr.print(
            f"[red]error:[/red] {escape(stack)} defines no analysis checks for {escape(service)} (knstack:analysis.checks)"
        )
        return EXIT_BAD_INPUT
    show_analysis(result)
    return EXIT_CODES[result.verdict]
