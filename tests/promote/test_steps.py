"""The release's moves as pure functions: start, advance (stages, waves, stable), rollback,
what needs --force, and the traffic moves the canary policy judges."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from knstack.errors import InputError
from knstack.policy import CanaryStep
from knstack.promote import steps
from knstack.promote.steps import STABLE, StepRefused
from knstack.stack.release import CanaryPlan, Release, cluster_percent
from knstack.stack.settings import StackSettings

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
PROD = CanaryPlan(stages=[5, 25, 50, 100], waves=[["eu"], ["us"]])
CLUSTERS = ["eu", "us"]
GENERATIONS = {"a-00001": 1, "a-00002": 2, "a-00003": 3}


def start(before: Release | None, candidate: str, plan: CanaryPlan = PROD) -> steps.Transition:
    return steps.start(
        before,
        candidate,
        plan,
        NOW,
        service="a",
        environment="prod",
        stable_if_new="a-00001",
        generation=GENERATIONS.get,
    )


def advance(
    before: Release | None, target: steps.Target | None = None, plan: CanaryPlan = PROD
) -> steps.Transition:
    return steps.advance(
        before, plan, NOW, service="a", environment="prod", clusters=CLUSTERS, target=target
    )


def test_a_release_walks_every_stage_of_every_wave_then_becomes_stable() -> None:
    release = start(Release(stable="a-00001"), "a-00002").after
    walked = [
        (
            release.wave,
            release.stage,
            cluster_percent(release, PROD, "eu"),
            cluster_percent(release, PROD, "us"),
        )
    ]
    while release.candidate is not None:
        release = advance(release).after
        if release.candidate is not None:
            walked.append(
                (
                    release.wave,
                    release.stage,
                    cluster_percent(release, PROD, "eu"),
                    cluster_percent(release, PROD, "us"),
                )
            )
    assert walked == [
        (1, 1, 5, 0),
        (1, 2, 25, 0),
        (1, 3, 50, 0),
        (1, 4, 100, 0),
        (2, 1, 100, 5),
        (2, 2, 100, 25),
        (2, 3, 100, 50),
        (2, 4, 100, 100),
    ]
    assert release == Release(stable="a-00002", previous="a-00001", updated="2025-06-01T12:00:00Z")


def test_skipping_steps_is_named_and_needs_force() -> None:
    at_stage_1 = start(Release(stable="a-00001"), "a-00002").after
    jump = advance(at_stage_1, (1, 4))
    assert jump.skipped == ("wave 1/2 [eu] stage 2/4 (25%)", "wave 1/2 [eu] stage 3/4 (50%)")
    assert jump.needs_force and "skips 2 step(s)" in jump.needs_force[0]
    assert not advance(at_stage_1, (1, 2)).needs_force
    to_stable = advance(at_stage_1, STABLE)
    assert len(to_stable.skipped) == 7 and to_stable.after.stable == "a-00002"


def test_advance_to_the_current_step_changes_nothing_and_backwards_is_refused() -> None:
    at_stage_2 = Release(stable="a-00001", candidate="a-00002", wave=1, stage=2)
    assert advance(at_stage_2, (1, 2)).changed is False
    with pytest.raises(StepRefused, match="already past"):
        advance(at_stage_2, (1, 1))
    with pytest.raises(InputError, match="no wave 3 stage 1"):
        advance(at_stage_2, (3, 1))
    with pytest.raises(StepRefused, match="nothing to advance"):
        advance(Release(stable="a-00001"))
    assert advance(Release(stable="a-00001"), STABLE).changed is False  # a named step, already done
    with pytest.raises(StepRefused, match="was rolled back"):
        advance(Release(stable="a-00001", rolled_back=["a-00002"], status="rolled-back"), (1, 2))


def test_rollback_returns_everything_to_stable_and_remembers_the_candidate() -> None:
    during = Release(
        stable="a-00001", candidate="a-00002", wave=2, stage=2, rolled_back=["a-00000"]
    )
    after = steps.rollback(during, NOW, service="a", environment="prod").after
    assert after == Release(
        stable="a-00001",
        rolled_back=["a-00000", "a-00002"],
        status="rolled-back",
        updated="2025-06-01T12:00:00Z",
    )
    assert after.state == "rolled-back"
    assert {cluster_percent(after, PROD, c) for c in CLUSTERS} == {0}


def test_rollback_after_a_finished_release_returns_to_the_previous_stable() -> None:
    finished = Release(stable="a-00002", previous="a-00001")
    after = steps.rollback(finished, NOW, service="a", environment="prod").after
    assert (after.stable, after.previous, after.rolled_back, after.status) == (
        "a-00001",
        None,
        ["a-00002"],
        "rolled-back",
    )
    with pytest.raises(StepRefused, match="no earlier stable revision"):
        steps.rollback(after, NOW, service="a", environment="prod")
    with pytest.raises(StepRefused, match="no stable revision to return to"):
        steps.rollback(Release(candidate="a-00001", stage=1), NOW, service="a", environment="prod")


@pytest.mark.parametrize(
    ("before", "candidate", "needs"),
    [
        (
            Release(stable="a-00001", rolled_back=["a-00002"], status="rolled-back"),
            "a-00002",
            "was rolled back in prod",
        ),
        (
            Release(stable="a-00001", candidate="a-00002", stage=2),
            "a-00003",
            "prod is releasing a-00002",
        ),
        (Release(stable="a-00002"), "a-00001", "older than the stable revision a-00002"),
    ],
    ids=["rolled-back", "replaces-a-candidate", "older"],
)
def test_what_only_force_allows_when_promoting(before: Release, candidate: str, needs: str) -> None:
    transition = start(before, candidate)
    assert any(needs in item for item in transition.needs_force)
    assert (transition.after.candidate, transition.after.wave, transition.after.stage) == (
        candidate,
        1,
        1,
    )
    assert candidate not in transition.after.rolled_back  # a forced retry starts clean


def test_promoting_what_already_runs_changes_nothing() -> None:
    assert start(Release(stable="a-00002"), "a-00002").changed is False
    assert (
        start(Release(stable="a-00001", candidate="a-00002", stage=3), "a-00002").changed is False
    )


def test_a_new_service_starts_against_what_the_environment_serves() -> None:
    assert start(None, "a-00002").after == Release(
        stable="a-00001", candidate="a-00002", stage=1, updated="2025-06-01T12:00:00Z"
    )


def test_traffic_moves_are_the_changed_shares_per_cluster() -> None:
    def moves(transition: steps.Transition, plan: CanaryPlan = PROD) -> list[tuple[int, int]]:
        return [
            (s.previous, s.next) for s in steps.traffic_moves("ns/a", transition, plan, CLUSTERS)
        ]

    started = start(Release(stable="a-00001"), "a-00002")
    assert moves(started) == [(0, 5)]
    assert steps.traffic_moves("ns/a", started, PROD, CLUSTERS) == [
        CanaryStep(service="ns/a", previous=0, next=5)
    ]
    assert moves(advance(Release(stable="a-00001", candidate="a-00002", wave=1, stage=4))) == [
        (0, 5)
    ]  # next wave
    assert moves(
        advance(Release(stable="a-00001", candidate="a-00002", wave=1, stage=1), (1, 4))
    ) == [(5, 100)]
    assert (
        moves(advance(Release(stable="a-00001", candidate="a-00002", wave=2, stage=4))) == []
    )  # to stable: no change
    rolled = steps.rollback(
        Release(stable="a-00001", candidate="a-00002", wave=2, stage=2),
        NOW,
        service="a",
        environment="prod",
    )
    assert moves(rolled) == [(100, 0), (25, 0)]
    back = steps.rollback(
        Release(stable="a-00002", previous="a-00001"), NOW, service="a", environment="prod"
    )
    assert moves(back) == [(100, 0)]  # the finished release leaves; never judged as a jump up
    live_at_once = CanaryPlan(stages=[100])
    assert moves(start(None, "a-00002", live_at_once), live_at_once) == [(0, 100)]
    first = steps.start(
        None,
        "a-00001",
        PROD,
        NOW,
        service="a",
        environment="prod",
        stable_if_new=None,
        generation=GENERATIONS.get,
    )
    assert moves(first) == []  # a first release moves no users between revisions


@pytest.mark.parametrize(
    ("canary", "release", "message"),
    [
        ({"stages": [50, 100], "waves": [["eu"]]}, None, "leave out clusters: us"),
        ({"stages": [50, 100], "waves": [["eu"], ["us", "ap"]]}, None, "does not have: ap"),
        (
            {"stages": [50, 100]},
            {"stable": "a-1", "candidate": "a-2", "stage": 3},
            "stage 3 does not exist",
        ),
        (
            {"stages": [50, 100], "waves": [["eu"], ["us"]]},
            {"stable": "a-1", "candidate": "a-2", "wave": 3, "stage": 1},
            "wave 3 does not exist",
        ),
        ({"stages": [50, 100], "soakTime": "soon"}, None, "invalid duration"),
    ],
    ids=[
        "cluster-left-out",
        "unknown-cluster",
        "stage-beyond-plan",
        "wave-beyond-plan",
        "bad-soak-time",
    ],
)
def test_waves_and_releases_must_fit_the_environment(
    canary: dict[str, object], release: dict[str, object] | None, message: str
) -> None:
    data: dict[str, object] = {"clusters": [{"name": "eu"}, {"name": "us"}], "canary": canary}
    if release:
        data["releases"] = {"a": release}
    with pytest.raises(ValidationError, match=message):
        StackSettings.model_validate(data)
