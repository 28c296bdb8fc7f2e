"""Alibaba Cloud ALB gateway: documented canary annotations, the split in the ALB."""

from __future__ import annotations

import pytest

from knstack.errors import InputError
from tests.render_helpers import THREE_WAY_TRAFFIC, TWO_WAY_TRAFFIC, build_cluster, of_kind, shop

ALB = {"gateway": {"kind": "alb"}}
LABELS = {"serving.knative.dev/route": "shop", "serving.knative.dev/service": "shop"}


def _ingress(
    name: str, host: str, revision: str, *, annotations: dict | None = None, tag: str | None = None
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
        "spec": {"ingressClassName": "alb", "rules": [{"host": host, "http": {"paths": [path]}}]},
    }


def test_two_way_split_uses_the_alb_canary_weight(tmp_path):
    build = build_cluster(tmp_path, shop(TWO_WAY_TRAFFIC, revisions=2), ALB)
    assert of_kind(build.manifests, "Ingress") == {
        "shop": _ingress("shop", "shop.demo.example.com", "shop-00001"),
        "shop-canary": _ingress(
            "shop-canary",
            "shop.demo.example.com",
            "shop-00002",
            annotations={
                "alb.ingress.kubernetes.io/canary": "true",
                "alb.ingress.kubernetes.io/canary-weight": "30",
            },
        ),
        "stable-shop": _ingress(
            "stable-shop", "stable-shop.demo.example.com", "shop-00001", tag="stable"
        ),
        "candidate-shop": _ingress(
            "candidate-shop", "candidate-shop.demo.example.com", "shop-00002", tag="candidate"
        ),
    }


def test_tag_header_routing_adds_one_header_canary_per_tag(tmp_path):
    settings = {**ALB, "knative": {"config": {"features": {"tag-header-based-routing": "enabled"}}}}
    build = build_cluster(tmp_path, shop(TWO_WAY_TRAFFIC, revisions=2), settings)
    ingresses = of_kind(build.manifests, "Ingress")
    # Header rules live on their own Ingresses (ALB: not beside a weight rule) and win
    # over the weighted canary, so a tag reaches its revision even when it is the main one.
    for tag, revision in (("stable", "shop-00001"), ("candidate", "shop-00002")):
        assert ingresses[f"shop-tag-{tag}"] == _ingress(
            f"shop-tag-{tag}",
            "shop.demo.example.com",
            revision,
            annotations={
                "alb.ingress.kubernetes.io/canary": "true",
                "alb.ingress.kubernetes.io/canary-by-header": "Knative-Serving-Tag",
                "alb.ingress.kubernetes.io/canary-by-header-value": tag,
            },
            tag=tag,
        )
    assert len(ingresses) == 6


def test_three_way_split_is_refused(tmp_path):
    with pytest.raises(InputError) as raised:
        build_cluster(tmp_path, shop(THREE_WAY_TRAFFIC), ALB)
    (problem,) = raised.value.problems
    assert problem.obj == "Route demo/shop" and problem.field == "spec.traffic"
    assert "the alb gateway carries one main and one canary revision per host" in problem.message


def test_revisions_scaled_by_the_keda_http_add_on_are_refused(tmp_path):
    settings = {**ALB, "kedaHttpAddOn": {"enabled": True}}
    with pytest.raises(InputError) as raised:
        build_cluster(tmp_path, shop(TWO_WAY_TRAFFIC, revisions=2), settings)
    (problem,) = raised.value.problems
    assert problem.obj == "Route demo/shop"
    assert "cannot reach" in problem.message and "kedaHttpAddOn" in problem.message
