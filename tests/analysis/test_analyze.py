"""`knstack analyze` against a real Prometheus scraping a loopback exporter."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.conftest import StartPrometheus, free_port
from tests.analysis.exporter import Traffic
from tests.analysis.helpers import CANDIDATE, NAMESPACE, STABLE, add_analysis
from tests.promote.conftest import Knstack


def test_healthy_candidate_passes(
    example_project: Path, prometheus: StartPrometheus, knstack: Knstack
) -> None:
    address = prometheus([Traffic(NAMESPACE, CANDIDATE), Traffic(NAMESPACE, STABLE, errors=50)])
    add_analysis(example_project, address)
    code, out, err = knstack("analyze", "coffee", "--stack", "staging")
    assert code == 0, out + err
    assert f"analysis of {CANDIDATE} (stable {STABLE})" in out
    assert "success-rate: pass" in out and "latency: pass" in out
    assert "1. 1 -> pass" in out  # no 5xx at all: success rate exactly 1
    assert out.rstrip().endswith("verdict: pass")


def test_ten_percent_errors_fail(
    example_project: Path, prometheus: StartPrometheus, knstack: Knstack
) -> None:
    address = prometheus([Traffic(NAMESPACE, CANDIDATE, errors=10)])
    add_analysis(example_project, address)
    code, out, err = knstack("analyze", "coffee", "--stack", "staging")
    assert code == 1, out + err
    assert "success-rate: fail (wanted >= 0.99)" in out
    assert "1. 0.9 -> fail" in out  # 10 of every 100 requests were 5xx
    assert "latency: pass" in out
    assert "envoy_cluster_upstream_rq" in out  # the failing query is shown
    assert out.rstrip().endswith("verdict: fail")


def test_no_data_is_inconclusive(
    example_project: Path, prometheus: StartPrometheus, knstack: Knstack
) -> None:
    address = prometheus([Traffic(NAMESPACE, STABLE)])  # nothing for the candidate
    add_analysis(example_project, address)
    code, out, err = knstack("analyze", "coffee", "--stack", "staging")
    assert code == 4, out + err
    assert "success-rate: inconclusive" in out
    assert "empty" in out
    assert out.rstrip().endswith("verdict: inconclusive")


def test_query_error_names_check_and_query(
    example_project: Path, prometheus: StartPrometheus, knstack: Knstack
) -> None:
    address = prometheus([Traffic(NAMESPACE, CANDIDATE)])
    broken = 'sum(rate(envoy_cluster_upstream_rq{envoy_cluster_name=~".*{{revision}}.*"}[1m]'
    add_analysis(
        example_project,
        address,
        [{"name": "broken-query", "query": broken, "success": {"min": 1}}],
    )
    code, out, err = knstack("analyze", "coffee", "--stack", "staging")
    assert code == 4, out + err
    assert "broken-query: inconclusive" in out
    assert "bad_data" in out  # Prometheus's own error type
    assert (
        f'query: sum(rate(envoy_cluster_upstream_rq{{envoy_cluster_name=~".*{CANDIDATE}.*"}}[1m]'
        in out
    )


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
