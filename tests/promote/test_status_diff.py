"""`knstack status` (table and JSON, per environment and cluster) and `knstack diff`
(what promoting would change: release state, ledger, template, rendered manifests)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.promote.conftest import Knstack
from tests.promote.helpers import tree_bytes

KEYS = {"service", "env", "cluster", "stable", "candidate", "stage", "percent", "state"}


def test_status_json_has_a_record_per_service_environment_and_cluster(knstack: Knstack) -> None:
    code, out, _ = knstack("status", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert all(set(r) >= KEYS for r in records)
    coffee = {(r["env"], r["cluster"]): r for r in records if r["service"] == "coffee"}
    assert list(coffee) == [
        ("test", "test-1"),
        ("staging", "staging-eu"),
        ("prod", "prod-eu"),
        ("prod", "prod-us"),
        ("lab", "lab-1"),
    ]
    staging = coffee[("staging", "staging-eu")]
    assert (
        staging["stable"],
        staging["candidate"],
        staging["stage"],
        staging["percent"],
        staging["state"],
    ) == ("coffee-00001", "coffee-00002", 1, 50, "progressing")
    assert staging["traffic"] == [
        {"revision": "coffee-00001", "percent": 50},
        {"revision": "coffee-00002", "percent": 50},
        {"revision": "coffee-00002", "percent": 0, "tag": "candidate"},
    ]
    prod = coffee[("prod", "prod-us")]
    assert (
        prod["stable"],
        prod["candidate"],
        prod["percent"],
        prod["state"],
        prod["wave"],
        prod["waves"],
    ) == ("coffee-00001", None, 0, "stable", 2, 2)
    # test has no release state: the Service's own 70/30 split, shown as rendered.
    test = coffee[("test", "test-1")]
    assert (test["managed"], test["stable"], test["candidate"], test["state"]) == (
        False,
        "coffee-00001",
        None,
        "stable",
    )
    assert [(t["revision"], t["percent"]) for t in test["traffic"]] == [
        ("coffee-00001", 70),
        ("coffee-00002", 30),
    ]


def test_status_table_and_filters(knstack: Knstack) -> None:
    code, out, _ = knstack("status", "--stack", "staging", "--service", "coffee")
    assert code == 0
    header, row = out.splitlines()
    assert header.split() == [
        "ENV",
        "CLUSTER",
        "SERVICE",
        "STABLE",
        "CANDIDATE",
        "STAGE",
        "PERCENT",
        "STATE",
        "RETAINED",
        "LAST",
        "MOVED",
    ]
    assert row.split() == [
        "staging",
        "staging-eu",
        "coffee",
        "coffee-00001",
        "coffee-00002",
        "1/2",
        "50%",
        "progressing",
        "-",
        "-",
    ]
    code, _, err = knstack("status", "--stack", "qa")
    assert code == 2 and "no environment 'qa'" in err


def test_diff_shows_what_promoting_would_change_and_writes_nothing(
    knstack: Knstack, example_project: Path
) -> None:
    assert knstack("advance", "coffee", "--stack", "staging")[0] == 0
    before = tree_bytes(example_project)
    code, out, _ = knstack("diff", "staging", "prod", "--exit-code")
    assert code == 1
    assert tree_bytes(example_project) == before
    assert (
        "# coffee: coffee-00002 (at 100% in staging, stage 2/2 (100%)) would start in prod at wave 1/2 [prod-eu] stage 1/4 (5%)"
        in out
    )
    assert (
        "# tea: tea-00001 already serves all traffic of tea in prod" in out
    )  # no release state there
    stack_diff = out[
        out.index("--- a/stacks/Pulumi.prod.yaml") : out.index("--- a/stacks/prod.ledger.yaml")
    ]
    assert [
        line
        for line in stack_diff.splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ][:3] == [
        "+      candidate: coffee-00002",
        "+      wave: 1",
        "+      stage: 1",
    ]
    assert (
        "+ coffee-shop/coffee: coffee-00002 (generation 2, sha256:357a0febb1e6fc9cadf5b111f69cd9cbf083227933bbba240c8157aa2e2c291a)"
        in out
    )
    assert (
        "--- revision coffee-00001 (stable in prod)\n+++ revision coffee-00002 (from staging)"
        in out
    )
    assert "-      value: dark\n+      value: light" in out
    changed = [line.split("/", 3)[3] for line in out.splitlines() if line.startswith("+++ b/out/")]
    assert "prod-eu/04_deployment.apps_coffee-shop_coffee-00002-deployment.yaml" in changed
    assert not [path for path in changed if path.startswith("prod-us/")]  # wave 2 is untouched


def test_diff_with_nothing_to_promote(knstack: Knstack) -> None:
    code, out, _ = knstack("diff", "staging", "prod", "--exit-code")
    assert code == 0
    assert (
        "coffee-00002 is at stage 1/2 (50%) in staging; it passes when it serves 100% there" in out
    )
    assert out.rstrip().endswith("# nothing would change")
