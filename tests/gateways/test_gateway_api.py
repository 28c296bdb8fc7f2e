"""Gateway API (the default gateway): weighted backendRefs, tag hosts, tag headers."""

from __future__ import annotations

from tests.crd import crd_errors
from tests.render_helpers import THREE_WAY_TRAFFIC, build_cluster, of_kind, shop

LABELS = {"serving.knative.dev/route": "shop", "serving.knative.dev/service": "shop"}
PARENT = {
    "group": "gateway.networking.k8s.io",
    "kind": "Gateway",
    "name": "knstack-gateway",
    "namespace": "knstack-system",
}
ROOT = {"path": {"type": "PathPrefix", "value": "/"}}


def _ref(revision: str, weight: int) -> dict:
    return {"group": "", "kind": "Service", "name": revision, "port": 80, "weight": weight}


def _httproute(name: str, host: str, rules: list, tag: str | None = None) -> dict:
    labels = {**LABELS, "knstack.dev/tag": tag} if tag else LABELS
    return {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": name, "namespace": "demo", "labels": labels},
        "spec": {"parentRefs": [PARENT], "hostnames": [host], "rules": rules},
    }


def test_default_gateway_carries_a_three_way_split_and_tag_hosts(tmp_path):
    build = build_cluster(tmp_path, shop(THREE_WAY_TRAFFIC))
    routes = of_kind(build.manifests, "HTTPRoute")
    assert routes == {
        "shop": _httproute(
            "shop",
            "shop.demo.example.com",
            [
                {
                    "matches": [ROOT],
                    "backendRefs": [
                        _ref("shop-00001", 50),
                        _ref("shop-00002", 30),
                        _ref("shop-00003", 20),
                    ],
                }
            ],
        ),
        "blue-shop": _httproute(
            "blue-shop",
            "blue-shop.demo.example.com",
            [{"matches": [ROOT], "backendRefs": [_ref("shop-00002", 100)]}],
            "blue",
        ),
        "green-shop": _httproute(
            "green-shop",
            "green-shop.demo.example.com",
            [{"matches": [ROOT], "backendRefs": [_ref("shop-00003", 100)]}],
            "green",
        ),
    }
    for manifest in routes.values():
        assert crd_errors(manifest) == []


def test_tag_header_routing(tmp_path):
    build = build_cluster(
        tmp_path,
        shop(THREE_WAY_TRAFFIC),
        {"knative": {"config": {"features": {"tag-header-based-routing": "enabled"}}}},
    )
    routes = of_kind(build.manifests, "HTTPRoute")

    def header_match(tag: str) -> dict:
        return {**ROOT, "headers": [{"type": "Exact", "name": "Knative-Serving-Tag", "value": tag}]}

    def set_header(name: str, value: str) -> dict:
        return {
            "type": "RequestHeaderModifier",
            "requestHeaderModifier": {"set": [{"name": name, "value": value}]},
        }

    # A rule with a header match takes precedence over the plain path rule (Gateway API
    # matching precedence), as Knative's leading header paths do (knative/serving pkg/reconciler/route/resources/ingress.go).
    assert routes["shop"]["spec"]["rules"] == [
        {"matches": [header_match("blue")], "backendRefs": [_ref("shop-00002", 100)]},
        {"matches": [header_match("green")], "backendRefs": [_ref("shop-00003", 100)]},
        {
            "matches": [ROOT],
            "filters": [set_header("Knative-Serving-Default-Route", "true")],
            "backendRefs": [_ref("shop-00001", 50), _ref("shop-00002", 30), _ref("shop-00003", 20)],
        },
    ]
    assert routes["green-shop"]["spec"]["rules"] == [
        {
            "matches": [ROOT],
            "filters": [set_header("Knative-Serving-Tag", "green")],
            "backendRefs": [_ref("shop-00003", 100)],
        }
    ]
    for manifest in routes.values():
        assert crd_errors(manifest) == []
