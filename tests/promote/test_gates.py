"""Gates: a refused step changes nothing (every byte of the project is compared), --force
needs a reason and is recorded, the canary policy judges the real step, soak time holds a
stage (and --wait waits for it), a missing kubeconform fails the gate instead of skipping."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from knstack.promote import GateFailed, StepOptions, advance
from knstack.stack import read_project
from knstack.validate import SchemaOptions
from tests.promote.conftest import Knstack
from tests.promote.helpers import state, tree_bytes

FUTURE = (
    "2999-01-01T00:00:00Z"  # a stage entered "later than now": never soaked, whatever the clock
)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def refused(knstack: Knstack, project: Path, *args: str, code: int = 1) -> str:
    before = tree_bytes(project)
    result, _, err = knstack(*args)
    assert result == code, err
    assert tree_bytes(project) == before
    return err


def audit(project: Path) -> list[dict[str, object]]:
    path = project / "stacks" / "audit.log.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture()
def prod_at_stage_1(knstack: Knstack, example_project: Path) -> Path:
    """coffee-00002 finishes staging and starts in prod (wave 1, stage 1: 5% on prod-eu)."""
    assert knstack("advance", "coffee", "--stack", "staging")[0] == 0
    assert knstack("promote", "coffee", "--to", "prod")[0] == 0
    assert state(example_project, "prod") == ("coffee-00001", "coffee-00002", 1, 1, (), "stable")
    return example_project


def test_a_policy_failure_refuses_the_promotion_and_writes_nothing(
    knstack: Knstack, example_project: Path
) -> None:
    # tea 2.4.0 by tag only: test allows tags, staging requires digests.
    tea = example_project / "components" / "tea.py"
    edit(tea, '"@sha256:a08d727160244de8bb7fb1315ebc12371c2466bb3e69d01a2fe5da5456007649"', "")
    edit(tea, "tea:2.3.1", "tea:2.4.0")
    # test serves tea by its own traffic (latest revision): the new template goes live
    # there on render, and what serves all of test's traffic has passed test.
    err = refused(knstack, example_project, "promote", "tea", "--to", "staging")
    assert "tea-00002 serves test but is not in its ledger yet" in err
    assert knstack("render", "--stack", "test")[0] == 0
    code, out, _ = knstack("promote", "tea", "--to", "test")
    assert code == 0 and "tea-00002 already serves all traffic of tea in test" in out
    err = refused(knstack, example_project, "promote", "tea", "--to", "staging")
    assert "✗ policy" in err and "image-digest" in err and "nothing was changed" in err


def test_a_jump_above_max_canary_step_is_refused_unless_forced(
    knstack: Knstack, prod_at_stage_1: Path
) -> None:
    project = prod_at_stage_1
    edit(
        project / "stacks" / "Pulumi.prod.yaml",
        "    maxCanaryStep: 50\n",
        "    maxCanaryStep: 10\n",
    )
    err = refused(
        knstack, project, "advance", "coffee", "--stack", "prod"
    )  # 5% -> 25%: no stage skipped
    assert (
        "✓ steps" in err
        and "✗ policy" in err
        and "canary-max-step" in err
        and "from 5% to 25%" in err
    )
    assert (
        refused(knstack, project, "advance", "coffee", "--stack", "prod", "--force", code=2).count(
            "--force needs --reason"
        )
        == 1
    )
    code, _, err = knstack(
        "advance",
        "coffee",
        "--stack",
        "prod",
        "--force",
        "--reason",
        "the 25% stage was agreed with the on-call team",
    )
    assert code == 0, err
    assert state(project, "prod") == ("coffee-00001", "coffee-00002", 1, 2, (), "stable")
    record = audit(project)[-1]
    assert record["reason"] == "the 25% stage was agreed with the on-call team"
    assert record["forced"] == [
        "canary-max-step: the candidate goes from 5% to 25% of traffic, a step of 20 points; this environment allows at most 10"
    ]


def test_skipping_stages_needs_force_and_is_recorded(
    knstack: Knstack, prod_at_stage_1: Path
) -> None:
    project = prod_at_stage_1
    err = refused(knstack, project, "advance", "coffee", "--stack", "prod", "--stage", "3")
    assert "✗ steps" in err and "skips 1 step(s): wave 1/2 [prod-eu] stage 2/4 (25%)" in err
    assert (
        knstack(
            "advance",
            "coffee",
            "--stack",
            "prod",
            "--stage",
            "3",
            "--force",
            "--reason",
            "25% was covered by the load test",
        )[0]
        == 0
    )
    assert state(project, "prod") == ("coffee-00001", "coffee-00002", 1, 3, (), "stable")
    assert audit(project)[-1]["forced"] == ["skips 1 step(s): wave 1/2 [prod-eu] stage 2/4 (25%)"]


def test_soak_time_holds_a_stage(knstack: Knstack, example_project: Path) -> None:
    stack = example_project / "stacks" / "Pulumi.staging.yaml"
    edit(stack, "    stages: [50, 100]\n", "    stages: [50, 100]\n    soakTime: 1h\n")
    edit(stack, "      stage: 1\n", f"      stage: 1\n      updated: '{FUTURE}'\n")
    err = refused(knstack, example_project, "advance", "coffee", "--stack", "staging")
    assert "✗ soak" in err and "of the 1h0m0s soak time" in err
    edit(stack, FUTURE, "2000-01-01T00:00:00Z")
    assert knstack("advance", "coffee", "--stack", "staging")[0] == 0
    # At 100% in staging but not soaked there yet: prod does not take it.
    edit(stack, f"      updated: '{_updated(stack)}'\n", f"      updated: '{FUTURE}'\n")
    err = refused(knstack, example_project, "promote", "coffee", "--to", "prod")
    assert "✗ soak" in err and "coffee-00002 at 100% in staging" in err


def _updated(stack: Path) -> str:
    line = next(
        line for line in stack.read_text().splitlines() if line.strip().startswith("updated:")
    )
    return line.split("'")[1]


def test_wait_sleeps_until_the_stage_has_soaked(
    example_project: Path, gate_env: dict[str, str]
) -> None:
    stack = example_project / "stacks" / "Pulumi.staging.yaml"
    entered = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    edit(stack, "    stages: [50, 100]\n", "    stages: [50, 100]\n    soakTime: 10m\n")
    edit(stack, "      stage: 1\n", "      stage: 1\n      updated: '2025-06-01T12:00:00Z'\n")
    clock = [entered + timedelta(minutes=3)]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock[0] += timedelta(seconds=seconds)

    options = StepOptions(
        wait=True,
        clock=lambda: clock[0],
        sleep=sleep,
        schema=SchemaOptions(crd_paths=(Path(gate_env["KNSTACK_CRDS"]),)),
    )
    outcome = advance(read_project(example_project), "coffee", "staging", options)
    assert sum(slept) == 7 * 60 and max(slept) <= 30  # polls, so a rollback meanwhile is seen
    assert outcome.transition.after.stage == 2
    assert outcome.record is not None and outcome.record.time == "2025-06-01T12:10:00Z"
    # Without --wait the same step is refused at once.
    edit(stack, "      stage: 2\n", "      stage: 1\n")
    edit(
        stack, "      updated: '2025-06-01T12:10:00Z'\n", "      updated: '2025-06-01T12:00:00Z'\n"
    )
    clock[0] = entered + timedelta(minutes=3)
    with pytest.raises(GateFailed):
        advance(
            read_project(example_project),
            "coffee",
            "staging",
            StepOptions(clock=lambda: clock[0], sleep=sleep),
        )


def test_a_missing_kubeconform_fails_the_gate(
    knstack: Knstack, example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNSTACK_KUBECONFORM", str(example_project / "no-such-kubeconform"))
    err = refused(knstack, example_project, "advance", "coffee", "--stack", "staging")
    assert (
        "✗ validate: kubeconform is required for this gate" in err and "no-such-kubeconform" in err
    )


def test_a_render_failure_fails_the_gate(knstack: Knstack, example_project: Path) -> None:
    # The ALB ingress cannot carry prod-us's request-driven revisions: prod does not build.
    edit(
        example_project / "stacks" / "Pulumi.prod.yaml",
        "        kind: istio\n",
        "        kind: alb\n",
    )
    edit(example_project / "stacks" / "Pulumi.prod.yaml", "        namespace: istio-system\n", "")
    assert knstack("advance", "coffee", "--stack", "staging")[0] == 0
    err = refused(knstack, example_project, "promote", "coffee", "--to", "prod")
    assert "✗ render: prod does not build with the new state" in err


def test_dry_run_shows_the_change_and_writes_nothing(
    knstack: Knstack, example_project: Path
) -> None:
    before = tree_bytes(example_project)
    code, out, err = knstack("advance", "coffee", "--stack", "staging", "--dry-run")
    assert code == 0, err
    assert "-      stage: 1\n+      stage: 2\n" in out and "nothing was written" in err
    assert tree_bytes(example_project) == before


def test_a_rollback_can_be_forced_past_unrelated_policy_findings(
    knstack: Knstack, example_project: Path
) -> None:
    stack = example_project / "stacks" / "Pulumi.staging.yaml"
    edit(
        stack,
        "    maxCanaryStep: 50\n",
        "    maxCanaryStep: 50\n    rules:\n      read-only-root-filesystem: mandatory\n",
    )
    err = refused(knstack, example_project, "rollback", "coffee", "--stack", "staging")
    assert "✗ policy" in err and "read-only-root-filesystem" in err
    code, _, err = knstack(
        "rollback",
        "coffee",
        "--stack",
        "staging",
        "--force",
        "--reason",
        "5xx at 50%: roll back first, fix the policy after",
    )
    assert code == 0, err
    assert state(example_project, "staging") == (
        "coffee-00001",
        None,
        None,
        None,
        ("coffee-00002",),
        "rolled-back",
    )
    forced = audit(example_project)[-1]["forced"]
    assert forced and all(item.startswith("read-only-root-filesystem: ") for item in forced)
