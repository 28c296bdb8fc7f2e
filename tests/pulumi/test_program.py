"""The Pulumi program's choices and refusals, under mocks: render mode, contexts, the ledger,
standalone Configurations and Routes."""

from __future__ import annotations

from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s
import pytest

from knstack.cli import main as knstack_main
from knstack.pulumi import program
from knstack.pulumi.resources import register_manifest
from tests.pulumi.mock_harness import (
    CLUSTER_TYPE,
    CONFIGURATION_TYPE,
    PROVIDER_TYPE,
    ROUTE_TYPE,
    SERVICE_TYPE,
    run_mocked,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_ambient_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KNSTACK_RENDER_DIR", raising=False)
    monkeypatch.delenv("KUBECONFIG", raising=False)


def providers(
    root: Path, env: str, config: dict[str, str] | None = None
) -> dict[str, dict[str, object]]:
    monitor, _ = run_mocked(
        lambda: program.main(root), project="coffee-shop", stack=env, config=config
    )
    return {p.name: p.inputs for p in monitor.of_type(PROVIDER_TYPE)}


def test_render_dir_from_the_stack_config_renders_each_cluster_to_its_own_directory() -> None:
    got = providers(REPO, "prod", {"coffee-shop:renderDir": "out/pulumi"})
    assert got == {
        "prod-eu": {"renderYamlToDirectory": str(REPO / "out/pulumi/prod/prod-eu")},
        "prod-us": {"renderYamlToDirectory": str(REPO / "out/pulumi/prod/prod-us")},
    }


def test_the_environment_variable_wins_over_the_stack_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNSTACK_RENDER_DIR", str(tmp_path / "gitops"))
    got = providers(REPO, "staging", {"coffee-shop:renderDir": "out/pulumi"})
    assert got == {
        "staging-eu": {"renderYamlToDirectory": str(tmp_path / "gitops/staging/staging-eu")}
    }


def test_render_outputs_say_where_each_cluster_went(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNSTACK_RENDER_DIR", str(tmp_path))
    _, outputs = run_mocked(lambda: program.main(REPO), project="coffee-shop", stack="prod")
    assert {c: o["renderDir"] for c, o in outputs.items()} == {
        "prod-eu": str(tmp_path / "prod/prod-eu"),
        "prod-us": str(tmp_path / "prod/prod-us"),
    }


def test_kubeconfig_and_render_mode_do_not_mix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KNSTACK_RENDER_DIR", str(tmp_path))
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "kubeconfig"))
    with pytest.raises(pulumi.RunError, match="unset KUBECONFIG"):
        run_mocked(lambda: program.main(REPO), project="coffee-shop", stack="staging")


def test_several_clusters_need_a_context_each(example_project: Path) -> None:
    stack = example_project / "stacks" / "Pulumi.prod.yaml"
    text = stack.read_text(encoding="utf-8")
    assert "      context: prod-us\n" in text
    stack.write_text(text.replace("      context: prod-us\n", ""), encoding="utf-8")
    with pytest.raises(pulumi.RunError) as caught:
        run_mocked(lambda: program.main(example_project), project="coffee-shop", stack="prod")
    message = str(caught.value)
    assert str(stack) in message
    assert 'field config."knstack:clusters"[1].context' in message
    assert "[0]" not in message  # prod-eu has its context


def test_an_out_of_date_ledger_is_refused(example_project: Path) -> None:
    tea = example_project / "components" / "tea.py"
    text = tea.read_text(encoding="utf-8")
    assert "tea:" in text
    tea.write_text(
        text.replace(
            "registry.example.com/coffee-shop/tea:", "registry.example.com/coffee-shop/tea-next:"
        ),
        encoding="utf-8",
    )
    with pytest.raises(pulumi.RunError) as caught:
        run_mocked(lambda: program.main(example_project), project="coffee-shop", stack="test")
    message = str(caught.value)
    assert "tea-00002" in message and "knstack render --stack test" in message
    assert "test.ledger.yaml" in message


def test_bad_stack_settings_are_reported_without_a_traceback(example_project: Path) -> None:
    stack = example_project / "stacks" / "Pulumi.staging.yaml"
    stack.write_text(
        stack.read_text(encoding="utf-8").replace("knstack:domain:", "knstack:domian:"),
        encoding="utf-8",
    )
    with pytest.raises(pulumi.RunError) as caught:
        run_mocked(lambda: program.main(example_project), project="coffee-shop", stack="staging")
    assert str(caught.value).startswith("error: ")
    assert 'field config."knstack:domian": unknown setting' in str(caught.value)


STANDALONE = """\
apiVersion: serving.knative.dev/v1
kind: Configuration
metadata: {name: worker}
spec:
  template:
    spec:
      containers: [{image: "registry.example.com/worker:1"}]
---
apiVersion: serving.knative.dev/v1
kind: Route
metadata: {name: worker-route}
spec:
  traffic:
  - {configurationName: worker, percent: 100, tag: current}
"""


@pytest.mark.parametrize("backend", ["kubernetes", "knative"])
def test_standalone_configurations_and_routes_get_their_own_components(
    tmp_path: Path, backend: str
) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: jobs\nruntime: python\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.dev.yaml").write_text(
        f"config:\n  knstack:backend: {backend}\n  knstack:namespace: jobs\n  knstack:domain: dev.example.com\n"
        "  knstack:clusters: [{name: one, context: one}]\n"
    )
    (tmp_path / "components").mkdir()
    (tmp_path / "components" / "worker.yaml").write_text(STANDALONE)
    assert (
        knstack_main(
            ["render", "--stack", "dev", "-C", str(tmp_path), "--out", str(tmp_path / "out")]
        )
        == 0
    )  # records the ledger
    monitor, outputs = run_mocked(lambda: program.main(tmp_path), project="jobs", stack="dev")
    urns = monitor.by_urn()
    assert not monitor.of_type(SERVICE_TYPE)
    (config,) = monitor.of_type(CONFIGURATION_TYPE)
    (route,) = monitor.of_type(ROUTE_TYPE)
    assert (config.name, route.name) == ("one/jobs/worker", "one/jobs/worker-route")
    for component in (config, route):
        assert urns[component.parent].type == CLUSTER_TYPE
    children = {r.parent: [] for r in monitor.objects()}
    for r in monitor.objects():
        children[r.parent].append((r.inputs["kind"], r.inputs["metadata"]["name"]))
    if backend == "kubernetes":
        assert sorted(children[config.urn]) == [
            ("Deployment", "worker-00001-deployment"),
            ("Service", "worker-00001"),
        ]
        assert sorted(children[route.urn]) == [
            ("HTTPRoute", "current-worker-route"),
            ("HTTPRoute", "worker-route"),
        ]
    else:
        assert children[config.urn] == [("Configuration", "worker")]
        assert children[route.urn] == [("Route", "worker-route")]
    cluster = outputs["one"]
    assert cluster["configurations"]["jobs/worker"] == {
        "latestCreatedRevisionName": "worker-00001",
        "revisions": ["worker-00001"],
    }
    assert cluster["routes"]["jobs/worker-route"]["tags"] == {
        "current": "http://current-worker-route.jobs.dev.example.com"
    }
    assert cluster["routes"]["jobs/worker-route"]["traffic"] == [
        {
            "revisionName": "worker-00001",
            "percent": 100,
            "latestRevision": True,
            "tag": "current",
            "url": "http://current-worker-route.jobs.dev.example.com",
        }
    ]


def test_two_objects_with_one_identity_are_refused_as_render_refuses_them(
    example_project: Path,
) -> None:
    """The policy tests' bad variant with a clash: Service canary-espresso's route and
    espresso's `canary` tag route are both HTTPRoute coffee-shop/canary-espresso. The build
    refuses it (knstack.expand.order), before anything is registered."""
    bad = REPO / "tests" / "policy" / "data" / "bad-shop.yaml"
    clash = bad.read_text(encoding="utf-8").replace("name: decaf", "name: canary-espresso")
    (example_project / "components" / "bad-shop.yaml").write_text(clash)
    with pytest.raises(pulumi.RunError) as caught:
        run_mocked(lambda: program.main(example_project), project="coffee-shop", stack="test")
    assert (
        "two objects would be written as HTTPRoute.gateway.networking.k8s.io coffee-shop/canary-espresso"
        in str(caught.value)
    )


# API groups of the example's custom resources (their CRDs come from Knative, Gateway API,
# KEDA and Istio); every other group is built into Kubernetes.
CRD_GROUPS = {
    "serving.knative.dev",
    "networking.internal.knative.dev",
    "caching.internal.knative.dev",
    "gateway.networking.k8s.io",
    "keda.sh",
    "http.keda.sh",
    "networking.istio.io",
}


@pytest.mark.parametrize("env", ["prod", "lab"])
def test_built_in_kinds_use_the_typed_classes_and_the_rest_custom_resources(env: str) -> None:
    monitor, deployed = run_mocked(
        lambda: program.deploy(REPO, env), project="coffee-shop", stack=env
    )
    registered = [pair for d in deployed for pair in d.component.registry.registered]
    assert len(registered) == len(monitor.objects())
    typed, custom = set(), set()
    for manifest, resource in registered:
        group = manifest["apiVersion"].rpartition("/")[0]
        if group in CRD_GROUPS:
            assert isinstance(resource, k8s.apiextensions.CustomResource), manifest["kind"]
            custom.add(manifest["kind"])
        else:
            cls = type(resource)
            assert cls.__name__ == manifest["kind"], cls
            assert cls.__module__.startswith(
                f"pulumi_kubernetes.{group.split('.')[0] or 'core'}."
            ), cls
            typed.add(manifest["kind"])
    if env == "prod":
        assert custom == {
            "HTTPRoute",
            "ReferenceGrant",
            "VirtualService",
            "ScaledObject",
            "HTTPScaledObject",
        }
        assert typed == {
            "Namespace",
            "Deployment",
            "Service",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
        }
    else:
        assert custom == {"Service", "Image", "Certificate"}
        assert {
            "CustomResourceDefinition",
            "ClusterRole",
            "MutatingWebhookConfiguration",
            "ConfigMap",
        } <= typed


def test_every_top_level_field_of_a_custom_resource_is_kept() -> None:
    """apiextensions.CustomResource carries metadata and spec only; other fields still go."""
    manifest = {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w", "namespace": "shop"},
        "data": {"colour": "blue"},
    }

    def program_() -> None:
        register_manifest("c/shop/w", manifest, pulumi.ResourceOptions())

    monitor, _ = run_mocked(program_, project="p", stack="s")
    (widget,) = monitor.objects()
    assert widget.type == "kubernetes:example.com/v1:Widget"
    assert widget.inputs == manifest
