"""Safe retirement: a revision that stops serving keeps its workload, with no traffic, until
its retention ends, so the render (or `pulumi up`) that moves traffic away from a workload
never deletes it, a rollback is immediate and in-flight requests drain.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from knstack.build import build_environment
from knstack.errors import KnstackError
from knstack.promote import steps
from knstack.stack import read_project
from knstack.stack.release import (
    CanaryPlan,
    Release,
    RetainedRevision,
    cluster_percent,
    deployed_revisions,
)
from tests.promote.conftest import Knstack
from tests.promote.helpers import release, rendered_traffic

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
PROD = CanaryPlan(stages=[5, 25, 50, 100], waves=[["eu"], ["us"]])
CLUSTERS = ["eu", "us"]
A1, A2, A3, A4 = "a-00001", "a-00002", "a-00003", "a-00004"


def retain(transition: steps.Transition, releases: int = 1) -> Release:
    return steps.with_retention(transition, PROD, CLUSTERS, releases).new


def promote(before: Release, candidate: str, releases: int = 1) -> Release:
    started = steps.start(
        before,
        candidate,
        PROD,
        NOW,
        service="a",
        environment="prod",
        stable_if_new=None,
        generation=lambda _: None,
    )
    return retain(started, releases)


def advance(before: Release, releases: int = 1, target: steps.Target | None = None) -> Release:
    moved = steps.advance(
        before, PROD, NOW, service="a", environment="prod", clusters=CLUSTERS, target=target
    )
    return retain(moved, releases)


def rollback(before: Release, releases: int = 1) -> Release:
    return retain(steps.rollback(before, NOW, service="a", environment="prod"), releases)


def finish(before: Release, candidate: str, releases: int = 1) -> Release:
    return advance(promote(before, candidate, releases), releases, steps.STABLE)


def test_the_stable_revision_keeps_its_workload_while_the_candidate_takes_everything() -> None:
    at_100 = Release(stable=A1, candidate=A2, wave=2, stage=4)
    assert {cluster_percent(at_100, PROD, c) for c in CLUSTERS} == {100}
    assert {c: deployed_revisions(at_100, PROD, c) for c in CLUSTERS} == {
        "eu": [A1, A2],
        "us": [A1, A2],
    }
    # Later waves never run the candidate; earlier ones keep the stable revision.
    wave_one = Release(stable=A1, candidate=A2, wave=1, stage=2)
    assert deployed_revisions(wave_one, PROD, "us") == [A1]


def test_a_finished_release_retains_the_replaced_stable_until_the_next_one_finishes() -> None:
    first = finish(Release(stable=A1), A2)
    assert (first.stable, first.previous) == (A2, A1)
    assert first.retained == [RetainedRevision(revision=A1, releases=1)]
    # The next release runs with a-00001 still deployed; its end retires a-00002 instead.
    during = promote(first, A3)
    assert during.retained == first.retained
    second = advance(during, target=steps.STABLE)
    assert second.retained == [RetainedRevision(revision=A2, releases=1)]


def test_a_longer_retention_counts_releases() -> None:
    release = Release(stable=A1)
    for candidate in (A2, A3, A4):
        release = finish(release, candidate, releases=2)
    assert [(r.revision, r.releases) for r in release.retained] == [(A2, 1), (A3, 2)]


def test_a_rolled_back_candidate_is_retained_where_it_ran() -> None:
    # Rolled back in wave 1: it never ran on us.
    in_wave_one = rollback(advance(promote(Release(stable=A1), A2)))
    assert in_wave_one.retained == [RetainedRevision(revision=A2, clusters=["eu"])]
    assert deployed_revisions(in_wave_one, PROD, "us") == [A1]
    assert deployed_revisions(in_wave_one, PROD, "eu") == [A1, A2]
    # Promoted again (with --force in real life), it is a candidate, not retained.
    again = promote(in_wave_one, A2)
    assert (again.candidate, again.retained) == (A2, [])


def test_a_rollback_after_a_release_returns_to_the_retained_revision() -> None:
    finished = finish(Release(stable=A1), A2)
    back = rollback(finished)
    assert (back.stable, back.status) == (A1, "rolled-back")
    # a-00001 serves again (it never stopped running); a-00002 drains on every cluster.
    assert back.retained == [RetainedRevision(revision=A2)]


def test_replacing_a_candidate_in_progress_retains_it() -> None:
    progressing = advance(advance(advance(advance(promote(Release(stable=A1), A2)))))
    assert (progressing.wave, progressing.stage) == (2, 1)
    replaced = promote(progressing, A3)
    assert (replaced.candidate, replaced.stage) == (A3, 1)
    assert replaced.retained == [RetainedRevision(revision=A2)]


ACTIONS = st.lists(
    st.sampled_from(["promote", "advance", "rollback", "finish"]), min_size=1, max_size=25
)


@settings(max_examples=200, deadline=None)
@given(ACTIONS, st.integers(min_value=1, max_value=3))
def test_no_step_removes_a_workload_it_takes_traffic_from(
    actions: list[str], releases: int
) -> None:
    """Whatever the order of steps: a workload leaves a cluster only when it had no
    traffic there before the step (its route moved in an earlier render), and the
    revision a rollback returns to is always running."""
    release = Release(stable=A1)
    generation = 1
    for action in actions:
        try:
            if action == "promote":
                generation += 1
                after = promote(release, f"a-{generation:05d}", releases)
            elif action == "advance":
                after = advance(release, releases)
            elif action == "finish" and release.candidate is not None:
                after = advance(release, releases, steps.STABLE)
            else:
                after = rollback(release, releases)
        except KnstackError:
            continue
        for cluster in CLUSTERS:
            gone = set(deployed_revisions(release, PROD, cluster)) - set(
                deployed_revisions(after, PROD, cluster)
            )
            for revision in gone:
                assert _share(release, revision, cluster) == 0, (action, revision, cluster)
            back_to = after.stable if after.candidate is not None else after.previous
            if back_to is not None:
                assert back_to in deployed_revisions(after, PROD, cluster)
        assert after == Release.model_validate(after.model_dump())
        release = after


def _share(release: Release, revision: str, cluster: str) -> int:
    return steps.share(release, revision, PROD, cluster)


def test_renders_keep_retired_workloads_without_routes(
    knstack: Knstack, example_project: Path
) -> None:
    """staging: coffee-00002 at 100%, then stable: coffee-00001's Deployment is rendered
    all along, with no route to it; status shows it retained."""
    p = example_project

    def deployments() -> set[str]:
        build = build_environment(read_project(p), "staging")
        return {
            m["metadata"]["name"].removesuffix("-deployment")
            for c in build.clusters
            for m in c.manifests
            if m["kind"] == "Deployment"
        }

    assert knstack("advance", "coffee", "--stack", "staging")[0] == 0
    assert rendered_traffic(p, "staging") == {"staging-eu": {"coffee-00002": 100}}
    assert {"coffee-00001", "coffee-00002"} <= deployments()
    assert knstack("advance", "coffee", "--stack", "staging")[0] == 0
    assert release(p, "staging") == {
        "stable": "coffee-00002",
        "previous": "coffee-00001",
        "retained": [{"revision": "coffee-00001", "releases": 1}],
        "updated": release(p, "staging")["updated"],
    }
    assert rendered_traffic(p, "staging") == {"staging-eu": {"coffee-00002": 100}}
    assert {"coffee-00001", "coffee-00002"} <= deployments()

    code, out, _ = knstack("status", "--stack", "staging", "--service", "coffee")
    assert code == 0
    header, row = out.splitlines()
    assert "RETAINED" in header.split()
    assert row.split()[header.split().index("RETAINED")] == "coffee-00001"
    code, out, _ = knstack(
        "status", "--stack", "staging", "--format", "json", "--service", "coffee"
    )
    (record,) = json.loads(out)
    assert record["retained"] == [{"revision": "coffee-00001", "releases": 1}]

    # The rollback is immediate: coffee-00001 never stopped running.
    assert knstack("rollback", "coffee", "--stack", "staging", "--reason", "latency")[0] == 0
    assert rendered_traffic(p, "staging") == {"staging-eu": {"coffee-00001": 100}}
    assert release(p, "staging")["retained"] == [{"revision": "coffee-00002", "releases": 1}]
    assert {"coffee-00001", "coffee-00002"} <= deployments()


def test_the_knative_backend_names_retained_revisions_at_zero_percent(
    knstack: Knstack, example_project: Path
) -> None:
    """Under Knative the Route keeps a retained revision active (its garbage collector
    spares it) with a 0% target and no tag."""
    p = example_project
    assert (
        knstack("advance", "coffee", "--stack", "staging", "--stable", "--force", "--reason", "t")[
            0
        ]
        == 0
    )
    build = build_environment(read_project(p), "staging", backend="knative")
    (service,) = [
        m
        for c in build.clusters
        for m in c.manifests
        if m["kind"] == "Service"
        and m["apiVersion"] == "serving.knative.dev/v1"
        and m["metadata"]["name"] == "coffee"
    ]
    untagged = [t for t in service["spec"]["traffic"] if "tag" not in t]
    assert untagged == [
        {"revisionName": "coffee-00002", "latestRevision": False, "percent": 100},
        {"revisionName": "coffee-00001", "latestRevision": False, "percent": 0},
    ]
