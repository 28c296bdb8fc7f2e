"""`knstack analyze` against a real Prometheus scraping a loopback exporter."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.conftest import free_port
from tests.analysis.helpers import add_analysis
from tests.promote.conftest import Knstack


def test_prometheus_down_is_inconclusive_never_a_pass(
    example_project: Path, knstack: Knstack
) -> None:
    add_analysis(example_project, f"http://127.0.0.1:{free_port()}")
    code, out, err = knstack("analyze", "coffee", "--stack", "staging")
    assert code == 4, out + err
    assert "unreachable" in out
    assert "verdict: inconclusive" in out


def test_unknown_variable_is_bad_input_naming_the_field(
    example_project: Path, knstack: Knstack
) -> None:
    add_analysis(
        example_project,
        "http://127.0.0.1:9",
        [{"name": "typo", "query": "up{job='{{servcie}}'}", "success": {"min": 1}}],
    )
    code, _, err = knstack("analyze", "coffee", "--stack", "staging")
    assert code == 2
    assert "field knstack:analysis.checks[0].query" in err
    assert "unknown variable {{servcie}}" in err


def test_template_and_query_together_are_refused(example_project: Path, knstack: Knstack) -> None:
    add_analysis(
        example_project,
        "http://127.0.0.1:9",
        [{"name": "both", "template": "success-rate", "query": "up", "success": {"min": 1}}],
    )
    code, _, err = knstack("analyze", "coffee", "--stack", "staging")
    assert code == 2
    assert "give either template or query" in err


def test_no_checks_is_bad_input(example_project: Path, knstack: Knstack) -> None:
    code, _, err = knstack("analyze", "coffee", "--stack", "staging")
    assert code == 2
    assert "defines no analysis checks" in err
