"""A release cycle on a live (local) cluster through Pulumi: rollback, a new release walked
to completion, then destroy. At each step `pulumi preview` shows exactly what the render
changed, and the API server's audit log shows that traffic moves before any workload it no
longer uses is deleted (retired revisions stay deployed, with no traffic, until the next
release completes)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knstack.build import build_environment
from knstack.cluster.audit import ApiWrite, read_writes
from knstack.cluster.fleet import Fleet
from knstack.cluster.pki import ADMIN
from knstack.cluster.tools import ClusterTools
from knstack.stack import read_project
from tests.cluster.live import (
    Manifest,
    kubectl_for,
    missing,
    prepare_cluster,
    unavailable_deployments,
)
from tests.e2e.pulumi_cli import PulumiCli
from tests.promote.conftest import Knstack
from tests.promote.helpers import rendered_traffic
from tests.promote.test_scenario import ship_new_template

pytestmark = pytest.mark.e2e
C1, C2, C3 = "coffee-00001", "coffee-00002", "coffee-00003"
Change = tuple[str, str, str]  # (create|update|delete, kind, namespace/name)


def render(project: Path) -> list[Manifest]:
    [cluster] = build_environment(read_project(project), "staging").clusters
    return cluster.manifests


def render_changes(before: list[Manifest], after: list[Manifest]) -> set[Change]:
    def key(o: Manifest) -> tuple[str, str]:
        return (o["kind"], f"{o['metadata'].get('namespace', '')}/{o['metadata']['name']}")

    old, new = {key(o): o for o in before}, {key(o): o for o in after}
    return (
        {("create", *k) for k in new.keys() - old.keys()}
        | {("delete", *k) for k in old.keys() - new.keys()}
        | {("update", *k) for k in new.keys() & old.keys() if new[k] != old[k]}
    )


def preview_changes(pulumi: PulumiCli, kube: dict[str, str]) -> set[Change]:
    preview = pulumi.run("preview", "--stack", "staging", "--json", env=kube).json()
    changes = set()
    for step in preview["steps"]:
        resource_type = step["urn"].split("::")[-2].rsplit("$", 1)[-1]
        if step["op"] == "same" or not resource_type.startswith("kubernetes:"):
            continue
        kind = resource_type.rsplit(":", 1)[1]
        name = step["urn"].rsplit("::", 1)[1].split("/", 1)[1]  # "<cluster>/<ns>/<name>"
        changes.add((step["op"], kind, name if "/" in name else f"/{name}"))
    return changes


def deployments(objects: list[Manifest]) -> set[str]:
    return {o["metadata"]["name"] for o in objects if o["kind"] == "Deployment"}


def writes_of_one_up(audit: Path, seen: int) -> tuple[list[ApiWrite], int]:
    """The user's writes (Pulumi's, through the admin identity) since the last call."""
    writes = [w for w in read_writes(audit) if w.user == ADMIN and not w.dry_run and w.code < 300]
    return writes[seen:], len(writes)


def assert_traffic_moves_before_deletes(writes: list[ApiWrite]) -> None:
    route_writes = [i for i, w in enumerate(writes) if w.resource == "httproutes"]
    deletes = [
        i for i, w in enumerate(writes) if w.verb == "delete" and w.resource == "deployments"
    ]
    if route_writes and deletes:
        assert max(route_writes) < min(deletes), [(w.verb, w.resource, w.name) for w in writes]


def test_rollback_and_a_release_to_completion_through_pulumi_with_safe_retirement(
    private_fleet: Callable[[list[str]], Fleet],
    cluster_tools: ClusterTools,
    pulumi: PulumiCli,
    pulumi_project: Path,
    knstack: Knstack,
    tmp_path: Path,
) -> None:
    p = pulumi_project
    fleet = private_fleet(["staging-eu"])
    cluster = fleet.clusters["staging-eu"]
    kube = {"KUBECONFIG": str(fleet.kubeconfig)}
    k = kubectl_for(fleet, cluster_tools.binary("kubectl"), "staging-eu")
    prepare_cluster(k, render(p))
    pulumi.run("stack", "init", "staging")
    pulumi.run("up", "--stack", "staging", "--yes", "--skip-preview", env=kube)
    _, seen = writes_of_one_up(cluster.audit_log, 0)

    def step(*commands: tuple[str, ...]) -> tuple[list[Manifest], list[ApiWrite]]:
        """Run knstack commands, check the preview against the render, `pulumi up`; returns
        the new render and the writes the up made."""
        nonlocal seen
        before = render(p)
        for command in commands:
            code, out, err = knstack(*command)
            assert code == 0, out + err
        after = render(p)
        expected = render_changes(before, after)
        assert expected, "a step that changes nothing"
        assert preview_changes(pulumi, kube) == expected
        pulumi.run("up", "--stack", "staging", "--yes", "--skip-preview", env=kube)
        assert missing(k, after, tmp_path / "live.yaml") == []
        writes, seen = writes_of_one_up(cluster.audit_log, seen)
        assert_traffic_moves_before_deletes(writes)
        return after, writes

    # Rollback: coffee-00002 loses its traffic but stays deployed (retained, at a fixed
    # replica count: its request-driven scaler goes, after the routes have moved).
    objects, writes = step(("rollback", "coffee", "--stack", "staging"))
    assert rendered_traffic(p, "staging") == {"staging-eu": {C1: 100}}
    assert {f"{C1}-deployment", f"{C2}-deployment"} <= deployments(objects)
    assert [(w.resource, w.name) for w in writes if w.verb == "delete"] == [
        ("httpscaledobjects", C2)
    ]
    assert unavailable_deployments(k, objects, tmp_path / "retained.yaml") == []

    # A new release, walked to completion: promote through test, then two staging stages.
    ship_new_template(p)
    for command in (
        ("promote", "coffee", "--to", "test"),
        ("advance", "coffee", "--stack", "test"),
    ):
        assert knstack(*command)[0] == 0
    step(("promote", "coffee", "--to", "staging"))
    step(("advance", "coffee", "--stack", "staging"))
    before_completion = deployments(render(p))
    objects, writes = step(("advance", "coffee", "--stack", "staging"))
    assert rendered_traffic(p, "staging") == {"staging-eu": {C3: 100}}
    retired = before_completion - deployments(objects)
    deleted = {w.name for w in writes if w.verb == "delete" and w.resource == "deployments"}
    assert deleted == retired
    assert f"{C3}-deployment" in deployments(objects)

    pulumi.run("destroy", "--stack", "staging", "--yes", "--skip-preview", env=kube)
    assert len(missing(k, objects, tmp_path / "after.yaml")) == len(objects)
