"""Which component owns each manifest (pure: no Pulumi runtime), and the URLs they report."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from knstack.build import build_environment
from knstack.pulumi.attribution import Owner, lay_out, owner_of, platform_namespaces
from knstack.pulumi.outputs import route_outputs
from knstack.resolve.model import RoutePlan, TrafficSplit
from knstack.stack import find_project
from knstack.stack.settings import ClusterSettings, StackSettings
from tests.pulumi.mock_harness import canonical

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("env", ["test", "staging", "prod", "lab"])
def test_every_manifest_has_exactly_one_owner(env: str) -> None:
    build = build_environment(find_project(REPO), env)
    for cluster in build.clusters:
        layout = lay_out(cluster.manifests)
        placed = list(layout.cluster) + list(layout.platform)
        for group in layout.services.values():
            placed += group.own + group.configuration + group.route
        for manifests in (*layout.configurations.values(), *layout.routes.values()):
            placed += manifests
        assert Counter(canonical(m) for m in placed) == Counter(
            canonical(m) for m in cluster.manifests
        )
        assert layout.count() == len(cluster.manifests)
        # only the applications' namespaces are left to the cluster component, and (Gateway
        # API with the KEDA HTTP add-on) the ReferenceGrant opening the interceptor to them
        kinds = {m["kind"] for m in layout.cluster}
        grants = cluster.settings.keda_http_add_on.enabled and not any(
            m["kind"] == "VirtualService" for m in cluster.manifests
        )
        assert kinds == ({"Namespace", "ReferenceGrant"} if grants else {"Namespace"})
        assert sorted(layout.services) == sorted(
            (c.namespace, c.service) for c in build.plan.configurations if c.service
        )


def manifest(
    kind: str, name: str, namespace: str | None = "shop", api: str = "v1", **labels: str
) -> dict:
    meta: dict = {"name": name, "labels": labels}
    if namespace:
        meta["namespace"] = namespace
    return {"apiVersion": api, "kind": kind, "metadata": meta}


def test_owners_follow_knative_labels() -> None:
    rev = {"serving.knative.dev/configuration": "coffee", "serving.knative.dev/service": "coffee"}
    assert owner_of(
        manifest("Deployment", "coffee-00001-deployment", api="apps/v1", **rev)
    ) == Owner("configuration", "shop", "coffee", "coffee")
    route = {"serving.knative.dev/route": "coffee", "serving.knative.dev/service": "coffee"}
    assert owner_of(
        manifest("HTTPRoute", "candidate-coffee", api="gateway.networking.k8s.io/v1", **route)
    ) == Owner("route", "shop", "coffee", "coffee")
    assert owner_of(
        manifest("Service", "worker-route", **{"serving.knative.dev/route": "worker-route"})
    ) == Owner("route", "shop", "worker-route")
    assert owner_of(manifest("Service", "coffee", api="serving.knative.dev/v1")) == Owner(
        "service", "shop", "coffee"
    )
    assert owner_of(manifest("Route", "r", api="serving.knative.dev/v1")) == Owner(
        "route", "shop", "r"
    )


def test_platform_objects_by_label_or_by_namespace() -> None:
    ns = manifest(
        "Namespace", "kourier-system", None, **{"app.kubernetes.io/name": "knative-serving"}
    )
    cert = manifest(
        "Certificate",
        "routing-serving-certs",
        "kourier-system",
        api="networking.internal.knative.dev/v1alpha1",
    )
    crd = manifest(
        "CustomResourceDefinition",
        "services.serving.knative.dev",
        None,
        api="apiextensions.k8s.io/v1",
        **{"app.kubernetes.io/name": "knative-serving"},
    )
    platform = platform_namespaces([ns, cert, crd])
    assert platform == frozenset({"kourier-system"})
    assert {owner_of(m, platform).kind for m in (ns, cert, crd)} == {"platform"}
    # an object knstack did not derive from a Knative object stays with the cluster
    assert owner_of(manifest("ConfigMap", "shared", "shop"), platform) == Owner("cluster")


def route_plan(cluster_local: bool) -> RoutePlan:
    return RoutePlan(
        name="coffee",
        namespace="shop",
        service="coffee",
        cluster_local=cluster_local,
        traffic=(
            TrafficSplit("coffee-00001", 90),
            TrafficSplit("coffee-00002", 10, "candidate", latest=True),
        ),
    )


def settings(**knative_network: str) -> ClusterSettings:
    stack = StackSettings.model_validate(
        {"domain": "example.org", "knative": {"config": {"network": knative_network}}}
    )
    return ClusterSettings(
        environment="e", cluster="c", stack=stack, domain="eu.example.org", gateway=stack.gateway
    )


def test_route_urls_use_the_cluster_domain_and_knative_scheme() -> None:
    out = route_outputs(route_plan(False), settings())
    assert out["url"] == "http://coffee.shop.eu.example.org"  # the cluster's domain override
    assert out["address"] == "http://coffee.shop.svc.cluster.local"
    assert out["tags"] == {"candidate": "http://candidate-coffee.shop.eu.example.org"}
    assert out["traffic"] == [
        {"revisionName": "coffee-00001", "percent": 90, "latestRevision": False},
        {
            "revisionName": "coffee-00002",
            "percent": 10,
            "latestRevision": True,
            "tag": "candidate",
            "url": "http://candidate-coffee.shop.eu.example.org",
        },
    ]
    tls = route_outputs(route_plan(False), settings(**{"external-domain-tls": "Enabled"}))
    assert tls["url"] == "https://coffee.shop.eu.example.org"


def test_cluster_local_routes_report_in_cluster_urls() -> None:
    out = route_outputs(route_plan(True), settings())
    assert out["url"] == "http://coffee.shop.svc.cluster.local"
    assert out["tags"] == {"candidate": "http://candidate-coffee.shop.svc.cluster.local"}
    assert out["visibility"] == "cluster-local"
