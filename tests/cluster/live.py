"""What the cluster tests compare: knstack's render of an environment, and what is live."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from knstack.cli import main as knstack_main
from knstack.cluster.fleet import Fleet
from tests.cluster.kubectl import Kubectl
from tests.e2e.pulumi_cli import read_objects

Manifest = dict[str, Any]
ENV_CONTEXTS = {
    "test": ["test-1"],
    "staging": ["staging-eu"],
    "prod": ["prod-eu", "prod-us"],
    "lab": ["lab-1"],
}


def rendered(project: Path, env: str, out: Path, *extra: str) -> dict[str, list[Manifest]]:
    """`knstack render --stack ENV` of `project`: the objects per cluster."""
    assert (
        knstack_main(["render", "--stack", env, "-C", str(project), "--out", str(out), *extra]) == 0
    )
    return {d.name: read_objects(d) for d in sorted((out / env).iterdir())}


def kubectl_for(fleet: Fleet, kubectl_binary: Path, context: str) -> Kubectl:
    return Kubectl(kubectl_binary, fleet.kubeconfig, context)


def manifest_file(objects: list[Manifest], path: Path) -> Path:
    path.write_text(yaml.safe_dump_all(objects, sort_keys=False))
    return path


def live(k: Kubectl, objects: list[Manifest], scratch: Path) -> tuple[list[Manifest], str]:
    """The live copies of `objects` that exist, and kubectl's complaints about the others."""
    done = k.run(
        "get", "-f", str(manifest_file(objects, scratch)), "-o", "json", "--ignore-not-found",
        check=False,
    )  # fmt: skip
    items: list[Manifest] = []
    if done.stdout.strip():
        data = json.loads(done.stdout)
        items = data.get("items", [data]) if data.get("kind", "").endswith("List") else [data]
    return items, done.stderr


def identity(obj: Manifest) -> tuple[str, str, str]:
    meta = obj["metadata"]
    return (obj["kind"], meta.get("namespace", ""), meta["name"])


def missing(k: Kubectl, objects: list[Manifest], scratch: Path) -> list[tuple[str, str, str]]:
    """The objects of `objects` the cluster does not have."""
    found, _ = live(k, objects, scratch)
    have = {identity(o) for o in found}
    return sorted(identity(o) for o in objects if identity(o) not in have)


def outside_namespaces(objects: list[Manifest]) -> list[str]:
    """Namespaces the objects live in that the render does not create: a real cluster has them
    from the gateway's or KEDA's own install (e.g. the Gateway's namespace)."""
    created = {o["metadata"]["name"] for o in objects if o["kind"] == "Namespace"}
    used = {o["metadata"].get("namespace") for o in objects} - {None, ""}
    return sorted(used - created)


def prepare_cluster(k: Kubectl, objects: list[Manifest]) -> None:
    for namespace in outside_namespaces(objects):
        k.run("create", "namespace", namespace)


def unavailable_deployments(k: Kubectl, objects: list[Manifest], scratch: Path) -> list[str]:
    found, _ = live(k, [o for o in objects if o["kind"] == "Deployment"], scratch)
    bad = []
    for deployment in found:
        conditions = {
            c["type"]: c["status"] for c in deployment.get("status", {}).get("conditions", [])
        }
        if conditions.get("Available") != "True":
            bad.append(deployment["metadata"]["name"])
    return bad
