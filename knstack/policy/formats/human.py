"""The default output: a table of findings, the waivers, and a one-line verdict."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from knstack.policy.check import Report
from knstack.policy.formats.common import where

LEVEL_STYLES = {"mandatory": "bold red", "advisory": "yellow"}


def _findings_table(report: Report) -> Table:
    table = Table(show_lines=True, expand=False)
    table.add_column("Level", no_wrap=True)
    table.add_column("Rule", overflow="fold")
    table.add_column("Finding", overflow="fold")
    for finding in report.findings:
        level = Text(finding.level, style=LEVEL_STYLES.get(finding.level, ""))
        if finding.waiver is not None:
            level = Text(f"{finding.level}\n(waived)", style="dim")
        text = Text(finding.object, style="bold")
        text.append(f" {finding.field}", style="cyan")
        text.append(f"\n{finding.message}")
        source = where(report, finding)
        origin = f"{finding.origin} " if finding.origin else ""
        if origin or source:
            text.append(f"\n{origin}{'(' + source + ')' if source else ''}".rstrip(), style="dim")
        if finding.clusters:
            text.append(f"\nclusters: {', '.join(finding.clusters)}", style="dim")
        if finding.waiver is not None:
            text.append(f"\nwaived: {finding.waiver}", style="green")
        table.add_row(level, Text(finding.rule.id), text)
    return table


def _fixes(report: Report) -> Text:
    text = Text("How to fix:", style="bold")
    seen: dict[str, str] = {}
    for finding in report.findings:
        if finding.waiver is None:
            seen.setdefault(finding.rule.id, finding.rule.fix)
    for rule_id, fix in seen.items():
        text.append(f"\n  {rule_id}: ", style="bold")
        text.append(fix)
    return text


def _waivers_table(report: Report) -> Table:
    table = Table(title="Waivers", show_lines=False)
    for column in ("Rule", "Object", "Reason", "Where", "Waived"):
        table.add_column(column, overflow="fold")
    for waiver in report.waivers:
        rule = (
            Text(waiver.rule_id)
            if waiver.known
            else Text(f"{waiver.rule_id} (unknown rule)", style="yellow")
        )
        table.add_row(
            rule, waiver.object, waiver.reason, str(waiver.location or ""), str(waiver.waived)
        )
    return table


def human_renderable(report: Report) -> Group:
    parts: list[object] = []
    clusters = f"{len(report.clusters)} cluster(s): {', '.join(report.clusters)}"
    active = sum(1 for level in report.levels.values() if level != "disabled")
    parts.append(
        Text.from_markup(
            f"[bold]knstack check[/bold] {escape(report.environment)} "
            f"({escape(clusters)}; {active} rules)"
        )
    )
    if report.findings:
        parts.append(_findings_table(report))
    if any(f.waiver is None for f in report.findings):
        parts.append(_fixes(report))
    if report.waivers:
        parts.append(_waivers_table(report))
    mandatory, advisory, waived = report.count("mandatory"), report.count("advisory"), report.waived
    summary = f"{mandatory} mandatory, {advisory} advisory finding(s), {waived} waived"
    if report.passed:
        parts.append(Text.from_markup(f"[bold green]passed[/bold green]: {summary}"))
    else:
        parts.append(Text.from_markup(f"[bold red]failed[/bold red]: {summary}"))
    return Group(*parts)  # type: ignore[arg-type]


def human_text(report: Report, width: int = 140) -> str:
    """Plain text (no colour), for --output files."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        no_color=True,
        highlight=False,
        force_terminal=False,
        color_system=None,
    )
    console.print(human_renderable(report))
    return buffer.getvalue()
