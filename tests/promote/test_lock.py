"""Two promotions at once are serialised by the project lock: real processes, each
running the whole step (gates included). The test holds the lock until both are waiting,
so they really contend; afterwards each has moved the release one step, the second from
where the first left it (no lost update)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from knstack.promote.lock import promotion_lock
from tests.promote.conftest import Knstack
from tests.promote.helpers import state, tree_bytes

WAITING = "waiting for another knstack promotion"


def spawn(project: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "knstack", *args, "-C", str(project)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_concurrent_advances_are_serialised(
    knstack: Knstack, example_project: Path, gate_env: dict[str, str]
) -> None:
    assert knstack("advance", "coffee", "--stack", "staging")[0] == 0
    assert knstack("promote", "coffee", "--to", "prod")[0] == 0
    assert state(example_project, "prod")[2:4] == (1, 1)
    stacks = example_project / "stacks"
    with promotion_lock(stacks, timeout=0):
        runs = [
            spawn(example_project, gate_env, "advance", "coffee", "--stack", "prod")
            for _ in range(2)
        ]
        for run in runs:
            assert run.stderr is not None
            first = run.stderr.readline()
            assert WAITING in first, first  # both started while the lock was held
    results = [
        (
            run.wait(timeout=120),
            run.stdout.read() if run.stdout else "",
            run.stderr.read() if run.stderr else "",
        )
        for run in runs
    ]
    assert [code for code, _, _ in results] == [0, 0], results
    assert state(example_project, "prod") == ("coffee-00001", "coffee-00002", 1, 3, (), "stable")
    records = [json.loads(line) for line in (stacks / "audit.log.jsonl").read_text().splitlines()]
    advances = [(r["from"]["step"], r["to"]["step"]) for r in records[-2:]]
    assert advances == [
        (
            "coffee-00002 at wave 1/2 [prod-eu] stage 1/4 (5%)",
            "coffee-00002 at wave 1/2 [prod-eu] stage 2/4 (25%)",
        ),
        (
            "coffee-00002 at wave 1/2 [prod-eu] stage 2/4 (25%)",
            "coffee-00002 at wave 1/2 [prod-eu] stage 3/4 (50%)",
        ),
    ]


def test_a_promotion_gives_up_when_the_lock_stays_busy(
    example_project: Path, gate_env: dict[str, str]
) -> None:
    before = tree_bytes(example_project)
    with promotion_lock(example_project / "stacks", timeout=0):
        run = spawn(
            example_project,
            gate_env,
            "advance",
            "coffee",
            "--stack",
            "staging",
            "--lock-timeout",
            "0.5",
        )
        _, err = run.communicate(timeout=120)
    assert run.returncode == 1, err
    assert (
        "another knstack promotion is running in this project" in err
        and "gave up after 0.5s" in err
    )
    assert tree_bytes(example_project) == before
