"""`pulumi up` for real: the engine and the kubernetes provider against local clusters, for
every example environment (prod on two clusters, lab with the Knative control plane). Each
object knstack renders goes live and every Deployment becomes Available; a second preview
finds nothing to change (no perpetual diff); destroy leaves nothing of knstack's behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knstack.cluster.fleet import Fleet
from knstack.cluster.tools import ClusterTools
from tests.cluster.live import (
    ENV_CONTEXTS,
    identity,
    kubectl_for,
    missing,
    prepare_cluster,
    rendered,
    unavailable_deployments,
)
from tests.e2e.pulumi_cli import PulumiCli

pytestmark = pytest.mark.e2e


def changes(preview: dict) -> list[tuple[str, str]]:
    return sorted(
        (s["op"], s["urn"].rsplit("::", 1)[1]) for s in preview["steps"] if s["op"] != "same"
    )


@pytest.mark.parametrize("env", sorted(ENV_CONTEXTS))
def test_up_deploys_everything_a_second_preview_changes_nothing_destroy_leaves_nothing(
    env: str,
    private_fleet: Callable[[list[str]], Fleet],
    cluster_tools: ClusterTools,
    pulumi: PulumiCli,
    pulumi_project: Path,
    tmp_path: Path,
) -> None:
    fleet = private_fleet(ENV_CONTEXTS[env])
    kube = {"KUBECONFIG": str(fleet.kubeconfig)}
    objects = rendered(pulumi_project, env, tmp_path / "render")
    assert sorted(objects) == sorted(ENV_CONTEXTS[env])
    kubectl = {c: kubectl_for(fleet, cluster_tools.binary("kubectl"), c) for c in objects}
    for cluster, k in kubectl.items():
        prepare_cluster(k, objects[cluster])

    pulumi.run("stack", "init", env)
    pulumi.run("up", "--stack", env, "--yes", "--skip-preview", env=kube)
    for cluster, k in kubectl.items():
        scratch = tmp_path / f"{cluster}.yaml"
        assert missing(k, objects[cluster], scratch) == [], cluster
        assert unavailable_deployments(k, objects[cluster], scratch) == [], cluster
        assert any(o["kind"] == "Deployment" for o in objects[cluster])

    preview = pulumi.run("preview", "--stack", env, "--json", env=kube).json()
    assert changes(preview) == [], "perpetual diff"

    pulumi.run("destroy", "--stack", env, "--yes", "--skip-preview", env=kube)
    for cluster, k in kubectl.items():
        scratch = tmp_path / f"{cluster}-after.yaml"
        gone = set(missing(k, objects[cluster], scratch))
        still_there = sorted({identity(o) for o in objects[cluster]} - gone)
        assert still_there == [], f"{cluster} after destroy"
