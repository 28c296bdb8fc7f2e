"""Report formats: human (rich), json, junit and sarif, each a pure function of the report."""

from __future__ import annotations

from knstack.policy.check import Report
from knstack.policy.formats.human import human_text
from knstack.policy.formats.json_report import json_text
from knstack.policy.formats.junit import junit_text
from knstack.policy.formats.sarif import sarif_text

FORMATS = ("human", "json", "junit", "sarif")


def render_report(report: Report, fmt: str) -> str:
    """The report as text (human without colour), the same bytes for the same report."""
    renderers = {"human": human_text, "json": json_text, "junit": junit_text, "sarif": sarif_text}
    return renderers[fmt](report)


__all__ = ["FORMATS", "render_report"]
