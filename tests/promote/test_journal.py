"""A promotion step's three files (ledger, stack file, audit line) change as one unit.

A real `knstack promote` process is killed (SIGKILL) right after each of its writes in
turn: the journal, the ledger, the stack file, the audit line. Whatever the moment, the
next run finishes the step, says so, and leaves the three files agreeing, with exactly
one audit line for the step.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from knstack.promote.journal import JOURNAL_FILE
from tests.promote.conftest import Knstack
from tests.promote.helpers import state
from tests.promote.test_scenario import C1, C3, ship_new_template

# Runs the CLI with each write of knstack/promote/journal.py counted; after the N-th the
# process kills itself, as a crash or `kill -9` would.
DRIVER = """
import os, signal, sys
from knstack.promote import journal
from knstack.cli import main
limit = int(sys.argv[1])
count = 0
def counted(write):
    def run(*args):
        global count
        write(*args)
        count += 1
        if count == limit:
            os.kill(os.getpid(), signal.SIGKILL)
    return run
for name in ("_write_journal", "_write_file", "_append_once", "_remove_journal"):
    setattr(journal, name, counted(getattr(journal, name)))
sys.exit(main(sys.argv[2:]))
"""
WRITES = ["journal", "ledger", "stack file", "audit line"]


def audit_lines(project: Path) -> list[dict[str, object]]:
    path = project / "stacks" / "audit.log.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def ledger_has(project: Path, revision: str) -> bool:
    return revision in (project / "stacks" / "test.ledger.yaml").read_text()


@pytest.mark.parametrize("killed_after", range(1, len(WRITES) + 1), ids=WRITES)
def test_a_step_killed_after_any_write_is_finished_by_the_next_run(
    knstack: Knstack, example_project: Path, gate_env: dict[str, str], killed_after: int
) -> None:
    p = example_project
    ship_new_template(p)
    audit_before = len(audit_lines(p))
    assert not ledger_has(p, C3)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            DRIVER,
            str(killed_after),
            "promote",
            "coffee",
            "--to",
            "test",
            "-C",
            str(p),
        ],
        env={**os.environ, **gate_env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == -signal.SIGKILL, run.stderr
    assert (p / "stacks" / JOURNAL_FILE).exists()

    code, out, err = knstack("promote", "coffee", "--to", "test")
    assert code == 0, err
    assert "was interrupted while writing its step (promote coffee-shop/coffee in test)" in (
        out + err
    )
    assert not (p / "stacks" / JOURNAL_FILE).exists()
    assert ledger_has(p, C3)
    assert state(p, "test") == (C1, C3, None, 1, (), "stable")
    records = audit_lines(p)
    assert len(records) == audit_before + 1
    assert records[-1]["action"] == "promote" and records[-1]["revision"] == C3


def test_an_unreadable_journal_is_a_clear_error(knstack: Knstack, example_project: Path) -> None:
    (example_project / "stacks" / JOURNAL_FILE).write_text("{not json")
    code, _, err = knstack("advance", "coffee", "--stack", "staging")
    assert code == 2
    assert JOURNAL_FILE in err and "unreadable pending-step journal" in err
