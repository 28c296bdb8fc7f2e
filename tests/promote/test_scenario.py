"""Done-when: a release of the example's `coffee` walks from test to prod through every
stage and wave, with a rollback in the middle and a retry; after each step the stack files
hold the expected release state and the rendered manifests the expected traffic.

The example starts with coffee-00002 half-way through staging. The scenario ships a new
template (coffee-00003, image 1.2.0): it starts in test, replaces the unfinished
coffee-00002 in staging (rolled back first: a promotion never silently replaces a
candidate in progress), passes staging, and goes to prod wave by wave (prod-eu, then
prod-us). Half-way through prod-us it is rolled back; automation then refuses to promote
it again, and a person retries it with --force and a reason, and it goes all the way.
"""

from __future__ import annotations

import json
from pathlib import Path

from knstack.build import build_environment
from knstack.stack import read_project
from tests.promote.conftest import Knstack
from tests.promote.helpers import release, rendered_traffic, state, tree_bytes

C1, C2, C3 = "coffee-00001", "coffee-00002", "coffee-00003"
NEW_IMAGE = "registry.example.com/coffee-shop/coffee:1.2.0@sha256:" + "3c" * 32
ROUTING_KINDS = {"HTTPRoute", "VirtualService", "Ingress", "HTTPScaledObject"}
REASON = "retry: the canary failed on the payment provider's outage, not on coffee-00003"


def ship_new_template(project: Path) -> None:
    coffee = project / "components" / "coffee.py"
    text = coffee.read_text()
    text = text.replace(
        '"registry.example.com/coffee-shop/coffee:1.1.0"\n    "@sha256:e01ec8a785a28b2216e9e101b8706dbf8267d654dea5b4be8813f1873775a79a"',
        f'"{NEW_IMAGE}"',
    )
    coffee.write_text(text.replace('value="light"', 'value="medium"'))
    assert NEW_IMAGE in coffee.read_text()


def expect(
    project: Path, env: str, release: tuple[object, ...], traffic: dict[str, dict[str, int]]
) -> None:
    assert state(project, env) == release
    assert rendered_traffic(project, env) == traffic


def refused_unchanged(knstack: Knstack, project: Path, *args: str) -> str:
    before = tree_bytes(project / "stacks")
    code, _, err = knstack(*args)
    assert code == 1, err
    assert tree_bytes(project / "stacks") == before
    return err


def test_coffee_from_test_to_prod_with_a_rollback_and_a_retry(
    knstack: Knstack, example_project: Path
) -> None:
    p = example_project
    ship_new_template(p)

    # test splits coffee 70/30 from the Service's own traffic: nothing has passed test yet.
    err = refused_unchanged(knstack, p, "promote", "coffee", "--to", "staging")
    assert "test splits coffee-shop/coffee" in err

    # test: the first environment takes the components' template; its plan is [100].
    assert knstack("promote", "coffee", "--to", "test")[0] == 0
    expect(p, "test", (C1, C3, None, 1, (), "stable"), {"test-1": {C3: 100}})
    assert knstack("advance", "coffee", "--stack", "test")[0] == 0
    expect(p, "test", (C3, None, None, None, (), "stable"), {"test-1": {C3: 100}})

    # staging is half-way through coffee-00002: promoting coffee-00003 would replace it.
    err = refused_unchanged(knstack, p, "promote", "coffee", "--to", "staging")
    assert "staging is releasing coffee-00002" in err and "--force" in err
    assert knstack("rollback", "coffee", "--stack", "staging")[0] == 0
    expect(p, "staging", (C1, None, None, None, (C2,), "rolled-back"), {"staging-eu": {C1: 100}})

    # staging [50, 100]: coffee-00003 passed test (stable there, newer than staging's).
    assert knstack("promote", "coffee", "--to", "staging")[0] == 0
    expect(p, "staging", (C1, C3, None, 1, (C2,), "stable"), {"staging-eu": {C1: 50, C3: 50}})
    assert knstack("advance", "coffee", "--stack", "staging")[0] == 0
    expect(p, "staging", (C1, C3, None, 2, (C2,), "stable"), {"staging-eu": {C3: 100}})
    assert knstack("advance", "coffee", "--stack", "staging")[0] == 0
    expect(p, "staging", (C3, None, None, None, (C2,), "stable"), {"staging-eu": {C3: 100}})

    # prod [5, 25, 50, 100] in waves [[prod-eu], [prod-us]].
    def walk_wave_one(*promote_options: str) -> None:
        """Promote, then advance prod-eu through its stages; prod-us stays on coffee-00001."""
        for stage, percent in enumerate([5, 25, 50, 100], start=1):
            if stage == 1:
                assert knstack("promote", "coffee", "--to", "prod", *promote_options)[0] == 0
            else:
                assert knstack("advance", "coffee", "--stack", "prod")[0] == 0
            eu = {C1: 100 - percent, C3: percent} if percent < 100 else {C3: 100}
            expect(
                p, "prod", (C1, C3, 1, stage, (), "stable"), {"prod-eu": eu, "prod-us": {C1: 100}}
            )

    walk_wave_one()
    assert knstack("advance", "coffee", "--stack", "prod")[0] == 0
    expect(
        p, "prod", (C1, C3, 2, 1, (), "stable"), {"prod-eu": {C3: 100}, "prod-us": {C1: 95, C3: 5}}
    )
    code, out, _ = knstack("status", "--stack", "prod", "--format", "json", "--service", "coffee")
    assert code == 0
    by_cluster = {r["cluster"]: r for r in json.loads(out)}
    assert {c: (r["stage"], r["percent"], r["state"]) for c, r in by_cluster.items()} == {
        "prod-eu": (4, 100, "progressing"),
        "prod-us": (1, 5, "progressing"),
    }
    assert knstack("advance", "coffee", "--stack", "prod")[0] == 0
    expect(
        p, "prod", (C1, C3, 2, 2, (), "stable"), {"prod-eu": {C3: 100}, "prod-us": {C1: 75, C3: 25}}
    )

    # The rollback in the middle: every cluster back to coffee-00001, nothing routes to
    # coffee-00003 any more (not even the candidate tag); its workloads stay, with no
    # traffic, where it ran, until the next release completes (in-flight requests drain).
    assert knstack("rollback", "coffee", "--stack", "prod", "--reason", "errors on prod-us")[0] == 0
    expect(
        p,
        "prod",
        (C1, None, None, None, (C3,), "rolled-back"),
        {"prod-eu": {C1: 100}, "prod-us": {C1: 100}},
    )
    assert release(p, "prod")["retained"] == [{"revision": C3, "releases": 1}]
    build = build_environment(read_project(p), "prod")
    left = [(c.name, m) for c in build.clusters for m in c.manifests if C3 in json.dumps(m)]
    assert {(cluster, m["kind"]) for cluster, m in left} >= {
        (cluster, kind) for cluster in ("prod-eu", "prod-us") for kind in ("Deployment", "Service")
    }
    assert not [m for _, m in left if m["kind"] in ROUTING_KINDS]

    # Automation does not promote a rolled-back candidate again...
    err = refused_unchanged(knstack, p, "promote", "coffee", "--to", "prod")
    assert "coffee-00003 was rolled back in prod" in err
    # ... a person may, with a reason; the release starts over at wave 1, stage 1.
    walk_wave_one("--force", "--reason", REASON)
    for stage, percent in enumerate([5, 25, 50, 100], start=1):
        assert knstack("advance", "coffee", "--stack", "prod")[0] == 0
        us = {C1: 100 - percent, C3: percent} if percent < 100 else {C3: 100}
        expect(p, "prod", (C1, C3, 2, stage, (), "stable"), {"prod-eu": {C3: 100}, "prod-us": us})
    assert knstack("advance", "coffee", "--stack", "prod")[0] == 0
    expect(
        p,
        "prod",
        (C3, None, None, None, (), "stable"),
        {"prod-eu": {C3: 100}, "prod-us": {C3: 100}},
    )

    # Every environment ends on coffee-00003; the ledgers hold the same entry.
    for env in ("test", "staging", "prod"):
        entries = {
            e.name: e.digest
            for e in build_environment(read_project(p), env).ledger.entries("coffee-shop/coffee")
        }
        assert (
            entries[C3]
            == build_environment(read_project(p), "test")
            .ledger.find("coffee-shop/coffee", C3)
            .digest
        )

    # The audit log: one record per step that changed something, in order.
    records = [
        json.loads(line) for line in (p / "stacks" / "audit.log.jsonl").read_text().splitlines()
    ]
    assert [(r["action"], r["environment"]) for r in records] == [
        ("promote", "test"),
        ("advance", "test"),
        ("rollback", "staging"),
        ("promote", "staging"),
        ("advance", "staging"),
        ("advance", "staging"),
        ("promote", "prod"),
        *[("advance", "prod")] * 5,
        ("rollback", "prod"),
        ("promote", "prod"),
        *[("advance", "prod")] * 8,
    ]
    assert {r["actor"] for r in records} == {"scenario-test"}
    forced = [r for r in records if r["forced"]]
    assert len(forced) == 1 and forced[0]["reason"] == REASON
    assert forced[0]["forced"] == [
        "coffee-00003 was rolled back in prod; automation does not promote it again"
    ]
    assert records[-1]["to"]["release"] == {
        "stable": C3,
        "previous": C1,
        "retained": [{"revision": C1, "releases": 1}],
        "updated": records[-1]["time"],
    }
    rollback = records[12]
    assert rollback["reason"] == "errors on prod-us"
    assert rollback["from"]["step"] == "coffee-00003 at wave 2/2 [prod-us] stage 2/4 (25%)"
    assert rollback["to"]["step"] == "rolled back to coffee-00001"
    # Each record starts where the one before it in the same environment ended.
    last: dict[str, dict[str, object]] = {}
    for record in records:
        env = record["environment"]
        if env in last:
            assert record["from"]["release"] == last[env]
        last[env] = record["to"]["release"]
