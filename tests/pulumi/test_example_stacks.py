"""The Pulumi program on the example's stacks, under Pulumi's mocks.

For each stack, the program registers exactly the objects `knstack render` writes (same
objects, same content, each once), one kubernetes provider per cluster, every object
parented to the component Knative's labels name, namespaces and CRDs first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from knstack.pulumi import program
from knstack.stack.settings import InterceptorRef
from tests.pulumi.mock_harness import (
    CLUSTER_TYPE,
    CONFIGURATION_TYPE,
    PLATFORM_TYPE,
    PROVIDER_TYPE,
    ROUTE_TYPE,
    SERVICE_TYPE,
    RecordingMonitor,
    Registration,
    canonical,
    rendered_objects,
    run_mocked,
)

STACK_TYPE = "pulumi:pulumi:Stack"
REPO = Path(__file__).resolve().parents[2]
INTERCEPTOR_NAMESPACE = InterceptorRef().namespace
STACKS = ["test", "staging", "prod", "lab"]


class StackRun:
    def __init__(
        self,
        env: str,
        monitor: RecordingMonitor,
        outputs: dict[str, Any],
        rendered: dict[str, list[dict[str, Any]]],
    ) -> None:
        self.env = env
        self.monitor = monitor
        self.outputs = outputs
        self.rendered = rendered
        self.urns = monitor.by_urn()
        self.providers = {r.name: r for r in monitor.of_type(PROVIDER_TYPE)}

    def cluster_of(self, registration: Registration) -> str:
        """The cluster whose provider the registration uses ("urn::id" references)."""
        for name, provider in self.providers.items():
            if registration.provider.startswith(provider.urn + "::"):
                return name
        raise AssertionError(
            f"{registration.name} uses no known provider ({registration.provider!r})"
        )

    def parent(self, registration: Registration) -> Registration | None:
        """The parent registration; None at the top (the stack itself)."""
        parent = self.urns.get(registration.parent)
        return None if parent is None or parent.type == STACK_TYPE else parent

    def chain(self, registration: Registration) -> list[tuple[str, str]]:
        """(type, name) of each ancestor, nearest first."""
        out = []
        node = self.parent(registration)
        while node is not None:
            out.append((node.type, node.name))
            node = self.parent(node)
        return out


@pytest.fixture(scope="module", params=STACKS)
def run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> StackRun:
    env = request.param
    rendered = rendered_objects(REPO, env, tmp_path_factory.mktemp(f"render-{env}"))
    monitor, outputs = run_mocked(lambda: program.main(REPO), project="coffee-shop", stack=env)
    return StackRun(env, monitor, outputs, rendered)


def stack_clusters(env: str) -> list[dict[str, Any]]:
    """The clusters as the stack file declares them (read directly, not through knstack)."""
    data = yaml.safe_load((REPO / "stacks" / f"Pulumi.{env}.yaml").read_text(encoding="utf-8"))
    return data["config"]["knstack:clusters"]


def test_registered_objects_are_exactly_what_render_writes(run: StackRun) -> None:
    registered: dict[str, list[str]] = {}
    for registration in run.monitor.objects():
        registered.setdefault(run.cluster_of(registration), []).append(
            canonical(registration.inputs)
        )
    written = {
        cluster: sorted(canonical(o) for o in objects) for cluster, objects in run.rendered.items()
    }
    assert sorted(registered) == sorted(written)
    for cluster, objects in written.items():
        assert sorted(registered[cluster]) == objects, f"cluster {cluster}"
    assert sum(len(v) for v in written.values()) > 20


def test_one_provider_per_cluster_with_its_context(run: StackRun) -> None:
    declared = stack_clusters(run.env)
    assert {name: p.inputs for name, p in run.providers.items()} == {
        c["name"]: {"context": c["context"]} for c in declared
    }
    clusters = run.monitor.of_type(CLUSTER_TYPE)
    assert sorted(c.name for c in clusters) == sorted(c["name"] for c in declared)
    for registration in run.monitor.objects():
        assert run.cluster_of(registration) == run.chain(registration)[-1][1]


def test_types_are_typed_classes_or_custom_resources(run: StackRun) -> None:
    for registration in run.monitor.objects():
        api_version, kind = registration.inputs["apiVersion"], registration.inputs["kind"]
        group, _, version = api_version.rpartition("/")
        assert registration.type == f"kubernetes:{group or 'core'}/{version}:{kind}"


def test_names_are_explicit_unique_and_carry_the_cluster(run: StackRun) -> None:
    urns = [r.urn for r in run.monitor.registrations]
    assert len(urns) == len(set(urns))
    for registration in run.monitor.objects():
        meta = registration.inputs["metadata"]
        cluster = run.cluster_of(registration)
        expected = (
            f"{cluster}/{meta['namespace']}/{meta['name']}"
            if "namespace" in meta
            else f"{cluster}/{meta['name']}"
        )
        assert registration.name == expected
        assert "generateName" not in meta


def expected_owner(manifest: dict[str, Any], cluster: str) -> list[tuple[str, str]]:
    """The component chain Knative's labels and kinds call for (nearest first)."""
    meta = manifest["metadata"]
    labels = meta.get("labels") or {}
    ns = meta.get("namespace", "")
    root = [(CLUSTER_TYPE, cluster)]
    if manifest["apiVersion"] == "serving.knative.dev/v1":
        return [(SERVICE_TYPE, f"{cluster}/{ns}/{meta['name']}"), *root]
    service = labels.get("serving.knative.dev/service")
    if "serving.knative.dev/route" in labels:
        route = (ROUTE_TYPE, f"{cluster}/{ns}/{labels['serving.knative.dev/route']}")
        return (
            [route, (SERVICE_TYPE, f"{cluster}/{ns}/{service}"), *root]
            if service
            else [route, *root]
        )
    if "serving.knative.dev/configuration" in labels:
        config = (
            CONFIGURATION_TYPE,
            f"{cluster}/{ns}/{labels['serving.knative.dev/configuration']}",
        )
        return (
            [config, (SERVICE_TYPE, f"{cluster}/{ns}/{service}"), *root]
            if service
            else [config, *root]
        )
    if manifest["kind"] in ("Namespace", "ReferenceGrant") and (
        labels.get("app.kubernetes.io/managed-by") == "knstack"
    ):
        return root  # the apps' namespaces, and the grant opening the interceptor to them
    # Everything else in the example is the Knative Serving install.
    return [(PLATFORM_TYPE, cluster), *root]


def test_every_object_is_parented_to_its_component(run: StackRun) -> None:
    for registration in run.monitor.objects():
        cluster = run.cluster_of(registration)
        assert run.chain(registration) == expected_owner(registration.inputs, cluster), (
            registration.name
        )
    for cluster in run.monitor.of_type(CLUSTER_TYPE):
        # a top-level component: a child of the stack
        assert cluster.parent == "" or f"::{STACK_TYPE}::" in cluster.parent


def test_namespaces_and_crds_come_before_what_needs_them(run: StackRun) -> None:
    objects = run.monitor.objects()
    namespaces = {
        (run.cluster_of(r), r.inputs["metadata"]["name"]): r.urn
        for r in objects
        if r.inputs["kind"] == "Namespace"
    }
    crds = {
        (run.cluster_of(r), r.inputs["spec"]["group"], r.inputs["spec"]["names"]["kind"]): r.urn
        for r in objects
        if r.inputs["kind"] == "CustomResourceDefinition"
    }
    order = {r.urn: i for i, r in enumerate(run.monitor.registrations)}
    custom_objects = 0
    for registration in objects:
        cluster = run.cluster_of(registration)
        needs = []
        namespace = registration.inputs["metadata"].get("namespace")
        if namespace and namespace != INTERCEPTOR_NAMESPACE:
            # the example creates every namespace it uses but the KEDA HTTP add-on's own
            # (its install creates it; knstack only grants routes access to it)
            needs.append(namespaces[(cluster, namespace)])
        group = registration.inputs["apiVersion"].rpartition("/")[0]
        crd = crds.get((cluster, group, registration.inputs["kind"]))
        if crd:
            needs.append(crd)
            custom_objects += 1
        for urn in needs:
            assert urn in registration.dependencies, registration.name
            assert order[urn] < order[registration.urn]
    # lab installs Knative: its Services, Image and Certificate need their CRDs
    assert (custom_objects > 0) == (run.env == "lab")


def test_routes_wait_for_the_revisions_they_route_to(run: StackRun) -> None:
    """An HTTPRoute (or VirtualService) is applied only once the Deployment of every
    revision it sends traffic to is ready, so traffic never moves to pods still starting."""
    objects = run.monitor.objects()
    deployments = {
        (run.cluster_of(r), r.inputs["metadata"]["namespace"], r.inputs["metadata"]["name"]): r.urn
        for r in objects
        if r.inputs["kind"] == "Deployment"
    }
    checked = 0
    for route in objects:
        if route.inputs["kind"] not in ("HTTPRoute", "VirtualService"):
            continue
        namespace = route.inputs["metadata"]["namespace"]
        text = yaml.safe_dump(route.inputs["spec"])
        for (cluster, ns, name), urn in deployments.items():
            revision = name.removesuffix("-deployment")
            named = re.search(rf"(?<![\w-]){revision}(?![\w-])", text)
            if (cluster, ns) == (run.cluster_of(route), namespace) and named:
                assert urn in route.dependencies, (route.name, name)
                checked += 1
    assert (checked > 0) == (run.env != "lab")


def test_knative_services_wait_for_the_control_plane(run: StackRun) -> None:
    services = run.monitor.of_type(SERVICE_TYPE)
    platform = run.monitor.of_type(PLATFORM_TYPE)
    if run.env != "lab":
        assert not platform
        return
    (install,) = platform
    children = {r.urn for r in run.monitor.registrations if r.parent == install.urn}
    assert services
    for service in services:
        assert set(service.dependencies) & (children | {install.urn}), service.name
    crd = next(
        r
        for r in run.monitor.objects()
        if r.inputs["metadata"]["name"] == "services.serving.knative.dev"
    )
    for cr in (
        r for r in run.monitor.objects() if r.type == "kubernetes:serving.knative.dev/v1:Service"
    ):
        assert crd.urn in cr.dependencies


def test_service_outputs_follow_the_release_state(run: StackRun) -> None:
    """coffee's traffic is its environment's canary stage; tags keep their own URL."""
    for cluster, outputs in run.outputs.items():
        coffee = outputs["services"]["coffee-shop/coffee"]
        domain = {
            "test": "test.coffee.example.com",
            "staging": "staging.coffee.example.com",
            "prod": "coffee.example.com",
            "lab": "lab.coffee.example.com",
        }[run.env]
        assert coffee["url"] == f"http://coffee.coffee-shop.{domain}"
        assert coffee["tags"] == {"candidate": f"http://candidate-coffee.coffee-shop.{domain}"}
        split = {(t["revisionName"], t.get("tag")): t["percent"] for t in coffee["traffic"]}
        expected = {
            # test: no release entry: the Service's own 70/30 split, candidate tag on the latest
            "test": {("coffee-00001", None): 70, ("coffee-00002", "candidate"): 30},
            # staging: stable coffee-00001, candidate coffee-00002 at stage 1 of [50, 100]
            "staging": {
                ("coffee-00001", None): 50,
                ("coffee-00002", None): 50,
                ("coffee-00002", "candidate"): 0,
            },
            # prod: only a stable revision; the declared tag is kept at 0%
            "prod": {("coffee-00001", None): 100, ("coffee-00001", "candidate"): 0},
            "lab": {("coffee-00001", None): 70, ("coffee-00002", "candidate"): 30},
        }[run.env]
        assert split == expected, cluster
        orders = outputs["services"]["coffee-shop/orders"]
        assert orders["visibility"] == "cluster-local"
        assert orders["url"] == "http://orders.coffee-shop.svc.cluster.local"
        assert outputs["context"] == cluster
