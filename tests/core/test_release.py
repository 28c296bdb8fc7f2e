"""Staged canaries: the release state of an environment decides the Route traffic."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from knstack.api import TrafficTarget
from knstack.build import build_environment
from knstack.cli import main
from knstack.ledger import load_ledger
from knstack.stack import read_project
from knstack.stack.release import CanaryPlan, Release, candidate_percent, release_traffic

PROD = CanaryPlan(stages=[5, 25, 50, 100])


@pytest.mark.parametrize(("stage", "percent"), [(0, 0), (1, 5), (2, 25), (3, 50), (4, 100)])
def test_the_candidate_gets_the_stage_percent(stage: int, percent: int) -> None:
    assert (
        candidate_percent(Release(stable="a-00001", candidate="a-00002", stage=stage), PROD)
        == percent
    )


def test_release_traffic_splits_and_keeps_declared_tags() -> None:
    declared = [
        TrafficTarget(revision_name="a-00001", percent=70, tag="old"),
        TrafficTarget(latest_revision=True, percent=30, tag="candidate"),
    ]
    traffic = release_traffic(
        Release(stable="a-00001", candidate="a-00002", stage=2), PROD, declared
    )
    # A tag on a named revision stays on it; a tag that follows the latest revision follows
    # the release's candidate (never a revision the release does not serve).
    assert [t.to_dict() for t in traffic] == [
        {"revisionName": "a-00001", "percent": 75},
        {"revisionName": "a-00002", "percent": 25},
        {"revisionName": "a-00001", "percent": 0, "tag": "old"},
        {"revisionName": "a-00002", "percent": 0, "tag": "candidate"},
    ]


def test_a_latest_tag_follows_the_stable_revision_after_a_rollback() -> None:
    declared = [TrafficTarget(latest_revision=True, percent=100, tag="candidate")]
    rolled_back = Release(stable="a-00001", rolled_back=["a-00002"], status="rolled-back")
    assert [t.to_dict() for t in release_traffic(rolled_back, PROD, declared)] == [
        {"revisionName": "a-00001", "percent": 100},
        {"revisionName": "a-00001", "percent": 0, "tag": "candidate"},
    ]


def test_a_finished_or_first_release_sends_everything_to_one_revision() -> None:
    assert [t.to_dict() for t in release_traffic(Release(stable="a-00001"), PROD, None)] == [
        {"revisionName": "a-00001", "percent": 100}
    ]
    first = Release(candidate="a-00001", stage=1)
    assert [t.to_dict() for t in release_traffic(first, PROD, None)] == [
        {"revisionName": "a-00001", "percent": 100}
    ]


@pytest.mark.parametrize(
    "stages",
    [[], [50], [50, 25, 100], [0, 100], [50, 100, 100]],
    ids=["empty", "no-100", "decreasing", "zero", "repeated"],
)
def test_bad_canary_plans_are_refused(stages: list[int]) -> None:
    with pytest.raises(ValidationError):
        CanaryPlan(stages=stages)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"stable": "a-1", "candidate": "a-1"},
        {"stable": "a-1", "stage": 2},
        {"candidate": "a-2"},
    ],
    ids=["empty", "same-revision", "stage-without-candidate", "first-release-at-stage-0"],
)
def test_inconsistent_releases_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Release(**fields)


def test_staging_serves_the_candidate_at_its_first_stage(repo_root: Path) -> None:
    build = build_environment(read_project(repo_root), "staging")
    coffee = next(r for r in build.plan.routes if r.name == "coffee")
    assert coffee.weighted_revisions() == [("coffee-00001", 50), ("coffee-00002", 50)]
    assert coffee.tags() == [("candidate", "coffee-00002")]


def test_a_downstream_environment_ignores_unpromoted_templates(example_project: Path) -> None:
    coffee = example_project / "components/coffee.py"
    coffee.write_text(coffee.read_text().replace('value="light"', 'value="espresso"'))
    prod_ledger = (example_project / "stacks/prod.ledger.yaml").read_bytes()
    assert main(["render", "--stack", "prod", "-C", str(example_project), "--locked"]) == 0
    assert (example_project / "stacks/prod.ledger.yaml").read_bytes() == prod_ledger
    build = build_environment(read_project(example_project), "prod")
    assert [r.name for r in build.plan.revisions if r.configuration == "coffee"] == ["coffee-00001"]
    # The first environment does record the new template.
    assert main(["render", "--stack", "test", "-C", str(example_project)]) == 0
    assert [
        e.name
        for e in load_ledger(example_project / "stacks/test.ledger.yaml", "test").entries(
            "coffee-shop/coffee"
        )
    ][-1] == "coffee-00003"


@pytest.mark.parametrize(
    ("release", "field", "message"),
    [
        (
            "    coffee:\n      stable: coffee-00009\n",
            'config."knstack:releases".coffee.stable',
            "not in this environment's ledger",
        ),
        (
            "    latte:\n      stable: latte-00001\n",
            'config."knstack:releases".latte',
            "no Service coffee-shop/latte",
        ),
    ],
    ids=["unknown-revision", "unknown-service"],
)
def test_bad_release_state_names_the_stack_file_and_key(
    example_project: Path,
    release: str,
    field: str,
    message: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stack = example_project / "stacks/Pulumi.prod.yaml"
    text = stack.read_text()
    stack.write_text(text[: text.index("  knstack:releases:")] + "  knstack:releases:\n" + release)
    assert main(["render", "--stack", "prod", "-C", str(example_project)]) == 2
    err = capsys.readouterr().err
    assert str(stack) in err and f"field {field}" in err and message in err
