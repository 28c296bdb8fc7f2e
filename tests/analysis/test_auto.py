"""`advance --auto` and the analysis gate, against a real Prometheus: the stack file and
the audit log are the evidence (read back as a reviewer would)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.analysis.conftest import StartPrometheus, free_port
from tests.analysis.exporter import Traffic
from tests.analysis.helpers import CANDIDATE, NAMESPACE, STABLE, STAGING, add_analysis
from tests.promote.conftest import Knstack

DOCS = Path(__file__).resolve().parents[2] / "docs" / "analysis.md"
VARYING = ("time", "updated", "actor")


def release(project: Path) -> dict:
    config = yaml.safe_load((project / STAGING).read_text(encoding="utf-8"))["config"]
    return config["knstack:releases"]["coffee"]


def audit(project: Path) -> list[dict]:
    path = project / "stacks" / "audit.log.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def normalized(value: object) -> object:
    """A record without what varies from run to run (times, who ran it); values rounded
    to 4 significant digits (PromQL's rate extrapolation works in floating point)."""
    if isinstance(value, dict):
        return {k: "..." if k in VARYING else normalized(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalized(v) for v in value]
    if isinstance(value, float):
        return float(f"{value:.4g}")
    return value


def documented_audit_log() -> list[dict]:
    text = DOCS.read_text(encoding="utf-8")
    block = text.split("<!-- audit-log:begin -->", 1)[1].split("<!-- audit-log:end -->", 1)[0]
    lines = block.strip().removeprefix("```json").removesuffix("```").strip().splitlines()
    return [json.loads(line) for line in lines]


def test_healthy_canary_advances_through_every_stage(
    example_project: Path, prometheus: StartPrometheus, knstack: Knstack
) -> None:
    add_analysis(example_project, prometheus([Traffic(NAMESPACE, CANDIDATE)]))
    code, out, err = knstack("advance", "coffee", "--stack", "staging", "--auto")
    assert code == 0, out + err
    assert "decision: advance" in out
    assert release(example_project)["stage"] == 2
    code, out, err = knstack("advance", "coffee", "--stack", "staging", "--auto")
    assert code == 0, out + err
    assert release(example_project)["stable"] == CANDIDATE
    assert "candidate" not in release(example_project)
    code, out, _ = knstack("advance", "coffee", "--stack", "staging", "--auto")
    assert code == 0 and "nothing to do: no candidate in progress" in out
    records = audit(example_project)
    assert [r["action"] for r in records] == ["advance", "advance"]
    for record in records:
        assert "analysis" in record["gates"]
        assert record["analysis"]["verdict"] == "pass"
        rate = record["analysis"]["checks"][0]
        assert rate["check"] == "success-rate" and rate["measurements"][0]["value"] == 1.0
    # docs/analysis.md shows this release's audit log.
    assert normalized(documented_audit_log()) == normalized(records), json.dumps(records)


def test_ten_percent_errors_roll_back_like_a_manual_rollback(
    example_project: Path, prometheus: StartPrometheus, knstack: Knstack
) -> None:
    add_analysis(example_project, prometheus([Traffic(NAMESPACE, CANDIDATE, errors=10)]))
    code, out, err = knstack("advance", "coffee", "--stack", "staging", "--auto")
    assert code == 0, out + err
    assert "decision: rollback" in out
    after = release(example_project)
    assert after["stable"] == STABLE and after["status"] == "rolled-back"
    assert after["rolledBack"] == [CANDIDATE]  # automation never promotes it again
    (record,) = audit(example_project)
    assert record["action"] == "rollback" and record["revision"] == CANDIDATE
    assert record["reason"].startswith("advance --auto: analysis failed")
    rate = record["analysis"]["checks"][0]
    assert rate["verdict"] == "fail" and rate["measurements"][0]["value"] == 0.9
    code, out, _ = knstack("advance", "coffee", "--stack", "staging", "--auto")
    assert code == 0 and "nothing to do" in out
    assert len(audit(example_project)) == 1


def test_no_data_holds_and_records_the_evidence(
    example_project: Path, prometheus: StartPrometheus, knstack: Knstack
) -> None:
    add_analysis(example_project, prometheus([Traffic(NAMESPACE, STABLE)]))
    before = (example_project / STAGING).read_bytes()
    code, out, err = knstack("advance", "coffee", "--stack", "staging", "--auto")
    assert code == 0, out + err
    assert "decision: hold" in out
    assert (example_project / STAGING).read_bytes() == before
    (record,) = audit(example_project)
    assert record["action"] == "hold" and record["from"] == record["to"]
    assert record["analysis"]["verdict"] == "inconclusive"
    assert record["analysis"]["checks"][0]["measurements"][0]["value"] is None


def test_prometheus_down_refuses_a_manual_advance(example_project: Path, knstack: Knstack) -> None:
    add_analysis(example_project, f"http://127.0.0.1:{free_port()}")
    before = (example_project / STAGING).read_bytes()
    code, out, err = knstack("advance", "coffee", "--stack", "staging")
    assert code == 1, out + err
    assert "✗ analysis: coffee-00002: inconclusive" in err
    assert "unreachable" in err
    assert (example_project / STAGING).read_bytes() == before
    assert audit(example_project) == []
