"""`advance --auto` and the analysis gate, against a real Prometheus: the stack file and
the audit log are the evidence (read back as a reviewer would)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.analysis.conftest import free_port
from tests.analysis.helpers import STAGING, add_analysis
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


def test_prometheus_down_refuses_a_manual_advance(example_project: Path, knstack: Knstack) -> None:
    add_analysis(example_project, f"http://127.0.0.1:{free_port()}")
    before = (example_project / STAGING).read_bytes()
    code, out, err = knstack("advance", "coffee", "--stack", "staging")
    assert code == 1, out + err
    assert "✗ analysis: coffee-00002: inconclusive" in err
    assert "unreachable" in err
    assert (example_project / STAGING).read_bytes() == before
    assert audit(example_project) == []
