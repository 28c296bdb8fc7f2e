"""Istio gateway: VirtualServices carry any split, tag hosts and tag-header routing."""

from __future__ import annotations

from tests.crd import crd_errors
from tests.render_helpers import THREE_WAY_TRAFFIC, build_cluster, of_kind, service_yaml, shop

ISTIO = {"gateway": {"kind": "istio", "name": "public", "namespace": "istio-system"}}
LABELS = {"serving.knative.dev/route": "shop", "serving.knative.dev/service": "shop"}


def _destination(revision: str, weight: int) -> dict:
    return {
        "destination": {"host": f"{revision}.demo.svc.cluster.local", "port": {"number": 80}},
        "weight": weight,
    }


def _virtual_service(name: str, host: str, http: list, tag: str | None = None) -> dict:
    labels = {**LABELS, "knstack.dev/tag": tag} if tag else LABELS
    return {
        "apiVersion": "networking.istio.io/v1",
        "kind": "VirtualService",
        "metadata": {"name": name, "namespace": "demo", "labels": labels},
        "spec": {"hosts": [host], "gateways": ["istio-system/public"], "http": http},
    }


def test_three_way_split_and_tag_hosts(tmp_path):
    build = build_cluster(tmp_path, shop(THREE_WAY_TRAFFIC), ISTIO)
    services = of_kind(build.manifests, "VirtualService")
    assert services == {
        "shop": _virtual_service(
            "shop",
            "shop.demo.example.com",
            [
                {
                    "route": [
                        _destination("shop-00001", 50),
                        _destination("shop-00002", 30),
                        _destination("shop-00003", 20),
                    ]
                }
            ],
        ),
        "blue-shop": _virtual_service(
            "blue-shop",
            "blue-shop.demo.example.com",
            [{"route": [_destination("shop-00002", 100)]}],
            tag="blue",
        ),
        "green-shop": _virtual_service(
            "green-shop",
            "green-shop.demo.example.com",
            [{"route": [_destination("shop-00003", 100)]}],
            tag="green",
        ),
    }
    # No gateway-specific objects of other kinds.
    assert not of_kind(build.manifests, "HTTPRoute", "Ingress")
    for manifest in services.values():
        assert crd_errors(manifest) == []


def test_tag_header_routing_matches_knative_serving_tag_first(tmp_path):
    settings = {
        **ISTIO,
        "knative": {"config": {"features": {"tag-header-based-routing": "enabled"}}},
    }
    build = build_cluster(tmp_path, shop(THREE_WAY_TRAFFIC), settings)
    services = of_kind(build.manifests, "VirtualService")
    # Facts 2.3: header paths first on the default host; the default path sets
    # Knative-Serving-Default-Route, each tag host sets Knative-Serving-Tag.
    assert services["shop"]["spec"]["http"] == [
        {
            "match": [{"headers": {"Knative-Serving-Tag": {"exact": "blue"}}}],
            "route": [_destination("shop-00002", 100)],
        },
        {
            "match": [{"headers": {"Knative-Serving-Tag": {"exact": "green"}}}],
            "route": [_destination("shop-00003", 100)],
        },
        {
            "route": [
                _destination("shop-00001", 50),
                _destination("shop-00002", 30),
                _destination("shop-00003", 20),
            ],
            "headers": {"request": {"set": {"Knative-Serving-Default-Route": "true"}}},
        },
    ]
    assert services["blue-shop"]["spec"]["http"] == [
        {
            "route": [_destination("shop-00002", 100)],
            "headers": {"request": {"set": {"Knative-Serving-Tag": "blue"}}},
        }
    ]
    for manifest in services.values():
        assert crd_errors(manifest) == []


def test_allowed_counts_as_enabled(tmp_path):
    settings = {
        **ISTIO,
        "knative": {"config": {"features": {"tag-header-based-routing": "allowed"}}},
    }
    build = build_cluster(tmp_path, shop(THREE_WAY_TRAFFIC), settings)
    assert len(of_kind(build.manifests, "VirtualService")["shop"]["spec"]["http"]) == 3


def test_h2c_revision_keeps_its_port(tmp_path):
    versions = [
        {"image": "registry.example.com/grpc:1", "port": "{name: h2c, containerPort: 9000}"}
    ]
    yaml_text = service_yaml("grpc", versions)
    build = build_cluster(tmp_path, yaml_text, ISTIO)
    route = of_kind(build.manifests, "VirtualService")["grpc"]["spec"]["http"][0]["route"]
    # The revision Service's h2c port is 81 (knative/serving pkg/reconciler/revision/resources/), as Istio's destination port.
    assert route == [
        {
            "destination": {"host": "grpc-00001.demo.svc.cluster.local", "port": {"number": 81}},
            "weight": 100,
        }
    ]
