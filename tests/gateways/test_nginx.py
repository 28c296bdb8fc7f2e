"""NGINX gateway: a main and a canary Ingress per host, or a clear refusal."""

from __future__ import annotations

import pytest

from knstack.cli import main
from knstack.errors import InputError
from tests.render_helpers import (
    THREE_WAY_TRAFFIC,
    TWO_WAY_TRAFFIC,
    build_cluster,
    of_kind,
    service_yaml,
    shop,
)

NGINX = {"gateway": {"kind": "nginx"}}
LABELS = {"serving.knative.dev/route": "shop", "serving.knative.dev/service": "shop"}
HEADER_ROUTING = {"tag-header-based-routing": "enabled"}


def _ingress(
    name: str,
    host: str,
    revision: str,
    *,
    annotations: dict | None = None,
    tag: str | None = None,
    klass: str = "nginx",
) -> dict:
    metadata: dict = {
        "name": name,
        "namespace": "demo",
        "labels": {**LABELS, "knstack.dev/tag": tag} if tag else LABELS,
    }
    if annotations:
        metadata["annotations"] = annotations
    path = {
        "path": "/",
        "pathType": "Prefix",
        "backend": {"service": {"name": revision, "port": {"number": 80}}},
    }
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata,
        "spec": {"ingressClassName": klass, "rules": [{"host": host, "http": {"paths": [path]}}]},
    }


def test_two_way_split_becomes_main_and_canary_ingress_plus_tag_hosts(tmp_path):
    build = build_cluster(tmp_path, shop(TWO_WAY_TRAFFIC, revisions=2), NGINX)
    assert of_kind(build.manifests, "Ingress") == {
        "shop": _ingress("shop", "shop.demo.example.com", "shop-00001"),
        "shop-canary": _ingress(
            "shop-canary",
            "shop.demo.example.com",
            "shop-00002",
            annotations={
                "nginx.ingress.kubernetes.io/canary": "true",
                "nginx.ingress.kubernetes.io/canary-weight": "30",
            },
        ),
        "stable-shop": _ingress(
            "stable-shop", "stable-shop.demo.example.com", "shop-00001", tag="stable"
        ),
        "candidate-shop": _ingress(
            "candidate-shop", "candidate-shop.demo.example.com", "shop-00002", tag="candidate"
        ),
    }


def test_single_revision_has_no_canary_and_ingress_class_is_configurable(tmp_path):
    yaml_text = service_yaml("shop", [{"image": "registry.example.com/demo/shop:1"}])
    build = build_cluster(
        tmp_path, yaml_text, {"gateway": {"kind": "nginx", "ingressClass": "public-nginx"}}
    )
    assert of_kind(build.manifests, "Ingress") == {
        "shop": _ingress("shop", "shop.demo.example.com", "shop-00001", klass="public-nginx"),
    }


def test_three_way_split_is_refused_with_a_pointer_to_gateway_api(tmp_path):
    text = shop(THREE_WAY_TRAFFIC)
    with pytest.raises(InputError) as raised:
        build_cluster(tmp_path, text, NGINX)
    (problem,) = raised.value.problems
    assert problem.obj == "Route demo/shop"
    assert problem.field == "spec.traffic"
    # The file and line of the Service version that declares the traffic (the last one).
    last_document = max(i for i, line in enumerate(text.splitlines()) if line == "---") + 2
    assert problem.file == f"{tmp_path / 'objects.yaml'}:{last_document}"
    assert "3 revisions (shop-00001 (50%), shop-00002 (30%), shop-00003 (20%))" in problem.message
    assert "one main and one canary revision per host" in problem.message
    assert "gateway-api" in problem.message


def test_refusal_exits_2_from_the_command_line_and_writes_nothing(tmp_path, capsys):
    source = tmp_path / "shop.yaml"
    source.write_text(shop(THREE_WAY_TRAFFIC), encoding="utf-8")
    out = tmp_path / "out"
    code = main(["render", "-f", str(source), "--gateway", "nginx", "-o", str(out)])
    assert code == 2
    err = capsys.readouterr().err
    assert "Route demo/shop" in err and "field spec.traffic" in err and "gateway-api" in err
    assert not out.exists()


def test_tag_header_routing_uses_the_canary_header_match(tmp_path):
    # Without a split, tagged requests for another revision go to a header-only canary.
    traffic = (
        "  traffic:\n    - latestRevision: true\n      percent: 100\n"
        "    - revisionName: shop-00001\n      tag: old\n"
    )
    build = build_cluster(
        tmp_path,
        shop(traffic, revisions=2),
        {**NGINX, "knative": {"config": {"features": HEADER_ROUTING}}},
    )
    canary = of_kind(build.manifests, "Ingress")["shop-canary"]
    assert canary == _ingress(
        "shop-canary",
        "shop.demo.example.com",
        "shop-00001",
        annotations={
            "nginx.ingress.kubernetes.io/canary": "true",
            "nginx.ingress.kubernetes.io/canary-by-header": "Knative-Serving-Tag",
            "nginx.ingress.kubernetes.io/canary-by-header-value": "old",
        },
    )


def test_tag_header_routing_with_a_split_reaches_the_canary_revision(tmp_path):
    traffic = (
        "  traffic:\n    - revisionName: shop-00001\n      percent: 80\n"
        "    - latestRevision: true\n      percent: 20\n      tag: next\n"
        "    - latestRevision: true\n      percent: 0\n      tag: beta\n"
    )
    build = build_cluster(
        tmp_path,
        shop(traffic, revisions=2),
        {**NGINX, "knative": {"config": {"features": HEADER_ROUTING}}},
    )
    annotations = of_kind(build.manifests, "Ingress")["shop-canary"]["metadata"]["annotations"]
    assert annotations == {
        "nginx.ingress.kubernetes.io/canary": "true",
        "nginx.ingress.kubernetes.io/canary-by-header": "Knative-Serving-Tag",
        "nginx.ingress.kubernetes.io/canary-by-header-pattern": "^(next|beta)$",
        "nginx.ingress.kubernetes.io/canary-weight": "20",
    }


def test_tag_header_to_the_main_revision_of_a_split_is_refused(tmp_path):
    with pytest.raises(InputError) as raised:
        build_cluster(
            tmp_path,
            shop(TWO_WAY_TRAFFIC, revisions=2),
            {**NGINX, "knative": {"config": {"features": HEADER_ROUTING}}},
        )
    (problem,) = raised.value.problems
    assert problem.obj == "Route demo/shop" and problem.field == "spec.traffic"
    assert "Knative-Serving-Tag: stable must reach shop-00001" in problem.message


def test_h2c_backend_is_refused(tmp_path):
    versions = [
        {"image": "registry.example.com/grpc:1", "port": "{name: h2c, containerPort: 9000}"}
    ]
    with pytest.raises(InputError) as raised:
        build_cluster(tmp_path, service_yaml("grpc", versions), NGINX)
    assert "serves h2c" in raised.value.problems[0].message
