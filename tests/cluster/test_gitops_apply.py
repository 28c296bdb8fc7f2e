"""The GitOps path for real: every render (each example environment under each backend and
gateway, and every corpus sample) applies with `kubectl apply --server-side` to a local
cluster, which checks what kubeconform cannot (CEL rules, defaulting, immutable fields), and a
second apply changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from knstack.build import build_environment, build_files
from knstack.cluster.fleet import Fleet
from knstack.cluster.tools import ClusterTools
from knstack.errors import InputError
from knstack.stack import find_project
from tests.cluster.apply import applied_state, apply, renamespaced
from tests.cluster.kubectl import Kubectl
from tests.cluster.live import Manifest, outside_namespaces
from tests.conftest import without_keda_http_add_on
from tests.validate.test_examples_pass import ENVIRONMENTS, REFUSED, RENDER_VARIANTS

pytestmark = pytest.mark.e2e
EXAMPLE_NAMESPACE = "coffee-shop"


def apply_twice(k: Kubectl, objects: list[Manifest], scratch: Path) -> int:
    """Apply, then apply again: the second apply must not change any object."""
    namespaces = [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": n}}
        for n in outside_namespaces(objects)
    ]
    apply(k, namespaces + objects, scratch)
    before = applied_state(k, objects, scratch)
    apply(k, objects, scratch)
    assert applied_state(k, objects, scratch) == before, "the second apply changed objects"
    return len(before)


def kubectl(fleet: Fleet, tools: ClusterTools, context: str) -> Kubectl:
    return Kubectl(tools.binary("kubectl"), fleet.kubeconfig, context)


@pytest.mark.parametrize(("backend", "gateway"), RENDER_VARIANTS)
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_example_render_applies_server_side_and_again_changes_nothing(
    fleet: Fleet, cluster_tools: ClusterTools, example_project: Path, tmp_path: Path,
    env: str, backend: str, gateway: str,
) -> None:  # fmt: skip
    if (backend, gateway, env) in REFUSED:
        without_keda_http_add_on(example_project, env)
    build = build_environment(find_project(example_project), env, backend=backend, gateway=gateway)
    # One namespace per render, so renders of the same environment share the cluster.
    namespace = f"{env}-{backend}-{gateway}"
    for cluster in build.clusters:
        context = cluster.settings.context or cluster.name
        objects = renamespaced(cluster.manifests, EXAMPLE_NAMESPACE, namespace)
        applied = apply_twice(
            kubectl(fleet, cluster_tools, context), objects, tmp_path / f"{cluster.name}.yaml"
        )
        assert applied == len(objects)


def test_lab_render_with_the_knative_control_plane_applies_and_again_changes_nothing(
    fleet: Fleet, cluster_tools: ClusterTools, example_project: Path, tmp_path: Path
) -> None:
    build = build_environment(find_project(example_project), "lab")
    [cluster] = build.clusters
    kinds = {o["kind"] for o in cluster.manifests}
    assert {"CustomResourceDefinition", "Service", "Deployment", "ClusterRole"} <= kinds
    assert apply_twice(
        kubectl(fleet, cluster_tools, "lab-1"), cluster.manifests, tmp_path / "lab.yaml"
    ) == len(cluster.manifests)


@pytest.mark.parametrize(
    ("backend", "gateway"),
    [("kubernetes", "gateway-api"), ("knative", "gateway-api"), ("kubernetes", "istio")],
)
def test_every_corpus_sample_applies_server_side_and_again_changes_nothing(
    fleet: Fleet, cluster_tools: ClusterTools, corpus_files: list[Path], tmp_path: Path,
    backend: str, gateway: str,
) -> None:  # fmt: skip
    k = kubectl(fleet, cluster_tools, "lab-1" if backend == "knative" else "staging-eu")
    if backend == "knative":
        # Knative Services need Knative's CRDs: the lab environment's render brings them.
        lab = build_environment(find_project(Path(__file__).resolve().parents[2]), "lab")
        crds = [o for o in lab.clusters[0].manifests if o["kind"] == "CustomResourceDefinition"]
        apply(k, crds, tmp_path / "knative-crds.yaml")
    applied = 0
    for index, sample in enumerate(corpus_files):
        try:
            build = build_files([sample], backend=backend, gateway=gateway)
        except InputError as err:  # pragma: no cover - no refusal expected for these gateways
            pytest.fail(f"{sample.name}: {err}")
        objects = renamespaced(
            build.clusters[0].manifests, "default", f"corpus-{backend[:4]}-{index}"
        )
        if backend == "knative":
            objects = [o for o in objects if o["kind"] != "CustomResourceDefinition"]
        applied += apply_twice(k, objects, tmp_path / f"{sample.stem}.yaml")
    assert applied > len(corpus_files)
