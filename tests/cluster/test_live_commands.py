"""`knstack validate --server-side` and `knstack drift` against a live (local) cluster."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from knstack.build import build_environment
from knstack.cli import main as knstack_main
from knstack.cluster.fleet import Fleet
from knstack.cluster.tools import ClusterTools
from knstack.stack import find_project
from tests.cluster.apply import apply
from tests.cluster.kubectl import Kubectl
from tests.cluster.live import outside_namespaces, prepare_cluster

pytestmark = pytest.mark.e2e


def run(project: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = knstack_main([*args, "-C", str(project)])
    out, err = capsys.readouterr()
    return code, out, err


def use_namespace(project: Path, env: str, namespace: str) -> None:
    stack = project / "stacks" / f"Pulumi.{env}.yaml"
    stack.write_text(
        stack.read_text().replace(
            "knstack:namespace: coffee-shop", f"knstack:namespace: {namespace}"
        )
    )


@pytest.fixture()
def staging(
    private_fleet: Callable[[list[str]], Fleet],
    cluster_tools: ClusterTools,
    example_project: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Path, Kubectl, str]:
    """The example project, a fresh staging-eu cluster as its KUBECONFIG, and kubectl on it."""
    fleet = private_fleet(["staging-eu"])
    monkeypatch.setenv("KUBECONFIG", str(fleet.kubeconfig))
    k = Kubectl(cluster_tools.binary("kubectl"), fleet.kubeconfig, "staging-eu")
    # What a real staging cluster has before knstack: its gateway's and KEDA's namespaces.
    [cluster] = build_environment(find_project(example_project), "staging").clusters
    prepare_cluster(k, cluster.manifests)
    return example_project, k, "coffee-shop"


def deploy(project: Path, k: Kubectl, scratch: Path) -> list[dict]:
    [cluster] = build_environment(find_project(project), "staging").clusters
    namespaces = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}}
        for n in outside_namespaces(cluster.manifests)
    ]
    apply(k, namespaces + cluster.manifests, scratch)
    return cluster.manifests


def test_server_side_validation_passes_a_fresh_cluster_and_names_an_immutable_field(
    staging: tuple[Path, Kubectl, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project, k, namespace = staging
    code, out, err = run(project, capsys, "validate", "--server-side", "--stack", "staging")
    assert code == 0, out + err
    assert "server-side dry-run: staging-eu=https://127.0.0.1:" in out
    assert "0 invalid" in out
    # Someone created a Deployment of the same name by hand: its selector cannot change, which
    # only the API server (not a schema) knows.
    [cluster] = build_environment(find_project(project), "staging").clusters
    deployment = next(o for o in cluster.manifests if o["kind"] == "Deployment")
    name = deployment["metadata"]["name"]
    k.run("create", "namespace", namespace)
    k.run("create", "deployment", name, "--image=registry.example/other:1", "-n", namespace)
    code, out, err = run(
        project, capsys, "validate", "--server-side", "--stack", "staging", "--format", "json"
    )
    assert code == 1, err
    report = json.loads(out)
    [invalid] = [o for o in report["objects"] if o["status"] == "invalid"]
    assert (invalid["kind"], invalid["name"]) == ("Deployment", name)
    assert any(
        e["field"] == "spec.selector" and "immutable" in e["message"] for e in invalid["errors"]
    )
    assert report["schemas"]["serverSideDryRun"].startswith("staging-eu=https://127.0.0.1:")
    assert (
        k.get("deployment", name, "-n", namespace)["spec"]["template"]["spec"]["containers"][0][
            "image"
        ]
        == "registry.example/other:1"
    )


def test_drift_is_none_after_apply_then_names_missing_changed_and_extra(
    staging: tuple[Path, Kubectl, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project, k, namespace = staging
    objects = deploy(project, k, tmp_path / "staging.yaml")
    code, out, err = run(project, capsys, "drift", "--stack", "staging")
    assert code == 0, out + err
    assert (
        f"{len(objects)} objects in environment staging (staging-eu): 0 missing, 0 changed, 0 extra"
        in out
    )

    deployment = next(o for o in objects if o["kind"] == "Deployment")["metadata"]["name"]
    route = next(o for o in objects if o["kind"] == "HTTPRoute")["metadata"]["name"]
    k.run(
        "set",
        "image",
        f"deployment/{deployment}",
        "user-container=registry.example/hotfix:1",
        "-n",
        namespace,
    )
    k.run("delete", "httproute", route, "-n", namespace)
    k.run("create", "service", "clusterip", "stray", "--tcp=80:8080", "-n", namespace)
    code, out, err = run(project, capsys, "drift", "--stack", "staging", "--format", "json")
    assert code == 1, err
    drift = {(d["state"], d["kind"], d["name"]): d for d in json.loads(out)["drift"]}
    assert set(drift) == {
        ("changed", "Deployment", deployment),
        ("missing", "HTTPRoute", route),
        ("extra", "Service", "stray"),
    }
    [change] = drift[("changed", "Deployment", deployment)]["fields"]
    assert change["path"] == "spec.template.spec.containers[user-container].image"
    assert change["live"] == "registry.example/hotfix:1"


def test_drift_without_a_kubeconfig_context_is_bad_input(
    example_project: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "kubeconfig"
    config.write_text("apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n")
    monkeypatch.setenv("KUBECONFIG", str(config))
    code, _, err = run(example_project, capsys, "drift", "--stack", "staging")
    assert code == 2
    assert "Pulumi.staging.yaml" in err and "staging-eu" in err and "Traceback" not in err


def test_drift_prune_deletes_what_the_render_no_longer_has(
    staging: tuple[Path, Kubectl, str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project, k, namespace = staging
    objects = deploy(project, k, tmp_path / "staging.yaml")
    pastry = sorted(
        (o["kind"], o["metadata"]["name"])
        for o in objects
        if o["metadata"]["name"].startswith("pastry")
        and o["metadata"].get("namespace") == namespace
    )
    assert {kind for kind, _ in pastry} >= {"Deployment", "Service", "HTTPRoute", "ScaledObject"}
    (project / "components" / "pastry.yaml").unlink()  # the team retires the pastry service

    code, out, _ = run(project, capsys, "drift", "--stack", "staging", "--format", "json")
    assert code == 1
    drift = json.loads(out)["drift"]
    assert sorted((d["kind"], d["name"]) for d in drift) == pastry
    assert {d["state"] for d in drift} == {"extra"}

    code, _, err = run(project, capsys, "drift", "--stack", "staging", "--prune")
    assert code == 0, err
    assert err.count("pruned staging-eu: ") == len(pastry)
    code, out, _ = run(project, capsys, "drift", "--stack", "staging")
    assert code == 0 and "0 missing, 0 changed, 0 extra" in out
    for kind, name in pastry:
        assert k.run("get", kind.lower(), name, "-n", namespace, check=False).returncode != 0
    assert k.get(
        "deployment",
        next(o for o in objects if o["kind"] == "Deployment")["metadata"]["name"],
        "-n",
        namespace,
    )
