"""Request-scaled revisions are reached through the KEDA HTTP add-on's interceptor.

The interceptor picks an HTTPScaledObject by host; when two request-scaled revisions
share a host, the gateway sets `Knative-Serving-Revision` and the HTTPScaledObject
matches on it. Each gateway either carries that or refuses the route.
"""

from __future__ import annotations

import pytest

from knstack.errors import InputError
from tests.crd import crd_errors, is_custom
from tests.k8s_subset import builtin_errors
from tests.render_helpers import (
    TWO_WAY_TRAFFIC,
    build_cluster,
    build_clusters,
    index,
    of_kind,
    service_yaml,
    shop,
)

ADD_ON = {"kedaHttpAddOn": {"enabled": True}}
INTERCEPTOR = {
    "group": "",
    "kind": "Service",
    "name": "keda-add-ons-http-interceptor-proxy",
    "namespace": "keda",
    "port": 8080,
}
ROOT = {"path": {"type": "PathPrefix", "value": "/"}}


def _revision_header(revision: str) -> list:
    modifier = {"set": [{"name": "Knative-Serving-Revision", "value": revision}]}
    return [{"type": "RequestHeaderModifier", "requestHeaderModifier": modifier}]


def test_gateway_api_sends_shared_hosts_through_the_interceptor_with_the_revision_header(tmp_path):
    build = build_cluster(tmp_path, shop(TWO_WAY_TRAFFIC, revisions=2), ADD_ON)
    objects = index(build.manifests)
    assert objects[("HTTPRoute", "shop")]["spec"]["rules"] == [
        {
            "matches": [ROOT],
            "backendRefs": [
                {**INTERCEPTOR, "weight": 70, "filters": _revision_header("shop-00001")},
                {**INTERCEPTOR, "weight": 30, "filters": _revision_header("shop-00002")},
            ],
        }
    ]
    # The tag host reaches one revision, but that revision's HTTPScaledObject matches on
    # the header, so the tag route sets it too.
    assert objects[("HTTPRoute", "stable-shop")]["spec"]["rules"] == [
        {
            "matches": [ROOT],
            "backendRefs": [
                {**INTERCEPTOR, "weight": 100, "filters": _revision_header("shop-00001")}
            ],
        }
    ]
    assert objects[("ReferenceGrant", "httproutes-from-demo")] == {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "ReferenceGrant",
        "metadata": {
            "name": "httproutes-from-demo",
            "namespace": "keda",
            "labels": {"app.kubernetes.io/managed-by": "knstack"},
        },
        "spec": {
            "from": [
                {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "demo"}
            ],
            "to": [{"group": "", "kind": "Service", "name": "keda-add-ons-http-interceptor-proxy"}],
        },
    }
    scaled = objects[("HTTPScaledObject", "shop-00001")]["spec"]
    assert scaled["hosts"] == ["shop.demo.example.com", "stable-shop.demo.example.com"]
    assert scaled["headers"] == [{"name": "Knative-Serving-Revision", "value": "shop-00001"}]
    assert objects[("HTTPScaledObject", "shop-00002")]["spec"]["hosts"] == [
        "shop.demo.example.com",
        "candidate-shop.demo.example.com",
    ]
    for manifest in build.manifests:
        if is_custom(manifest):
            assert crd_errors(manifest) == []


def test_istio_sets_the_revision_header_per_destination(tmp_path):
    settings = {
        **ADD_ON,
        "gateway": {"kind": "istio", "name": "public", "namespace": "istio-system"},
    }
    build = build_cluster(tmp_path, shop(TWO_WAY_TRAFFIC, revisions=2), settings)
    services = of_kind(build.manifests, "VirtualService")

    def destination(revision: str, weight: int) -> dict:
        return {
            "destination": {
                "host": "keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local",
                "port": {"number": 8080},
            },
            "weight": weight,
            "headers": {"request": {"set": {"Knative-Serving-Revision": revision}}},
        }

    assert services["shop"]["spec"]["http"] == [
        {"route": [destination("shop-00001", 70), destination("shop-00002", 30)]}
    ]
    assert not of_kind(build.manifests, "ReferenceGrant")
    for manifest in services.values():
        assert crd_errors(manifest) == []


def test_a_revision_alone_on_its_hosts_needs_no_header(tmp_path):
    # shop-00001 is HPA class (direct to its Service); only shop-00002 uses the interceptor.
    versions = [
        {
            "image": "registry.example.com/demo/shop:1",
            "annotations": {"autoscaling.knative.dev/class": "hpa.autoscaling.knative.dev"},
        },
        {"image": "registry.example.com/demo/shop:2"},
    ]
    build = build_cluster(tmp_path, service_yaml("shop", versions, traffic=TWO_WAY_TRAFFIC), ADD_ON)
    objects = index(build.manifests)
    assert objects[("HTTPRoute", "shop")]["spec"]["rules"][0]["backendRefs"] == [
        {"group": "", "kind": "Service", "name": "shop-00001", "port": 80, "weight": 70},
        {**INTERCEPTOR, "weight": 30},
    ]
    assert "headers" not in objects[("HTTPScaledObject", "shop-00002")]["spec"]
    assert ("HTTPScaledObject", "shop-00001") not in objects
    assert ("HorizontalPodAutoscaler", "shop-00001") in objects


def test_nginx_reaches_the_interceptor_through_an_external_name_service(tmp_path):
    settings = {**ADD_ON, "gateway": {"kind": "nginx"}}
    build = build_cluster(
        tmp_path, service_yaml("shop", [{"image": "registry.example.com/demo/shop:1"}]), settings
    )
    objects = index(build.manifests)
    assert objects[("Service", "keda-add-ons-http-interceptor-proxy")] == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {
            "name": "keda-add-ons-http-interceptor-proxy",
            "namespace": "demo",
            "labels": {"app.kubernetes.io/managed-by": "knstack"},
        },
        "spec": {
            "type": "ExternalName",
            "externalName": "keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local",
            "ports": [{"name": "http", "port": 8080, "protocol": "TCP", "targetPort": 8080}],
        },
    }
    backend = objects[("Ingress", "shop")]["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert backend == {
        "service": {"name": "keda-add-ons-http-interceptor-proxy", "port": {"number": 8080}}
    }


def test_nginx_refuses_two_request_scaled_revisions_on_one_host(tmp_path):
    settings = {**ADD_ON, "gateway": {"kind": "nginx"}}
    with pytest.raises(InputError) as raised:
        build_cluster(tmp_path, shop(TWO_WAY_TRAFFIC, revisions=2), settings)
    (problem,) = raised.value.problems
    assert problem.obj == "Route demo/shop" and problem.field == "spec.traffic"
    assert "cannot set" in problem.message and "HPA class" in problem.message


def test_interceptor_in_the_app_namespace_needs_no_grant(tmp_path):
    settings = {
        "kedaHttpAddOn": {"enabled": True, "interceptor": {"namespace": "demo", "port": 9000}}
    }
    build = build_cluster(
        tmp_path, service_yaml("shop", [{"image": "registry.example.com/demo/shop:1"}]), settings
    )
    objects = index(build.manifests)
    assert objects[("HTTPRoute", "shop")]["spec"]["rules"][0]["backendRefs"] == [
        {
            "group": "",
            "kind": "Service",
            "name": "keda-add-ons-http-interceptor-proxy",
            "port": 9000,
            "weight": 100,
        }
    ]
    assert not of_kind(build.manifests, "ReferenceGrant")


def test_a_cluster_override_turns_the_add_on_on_for_one_cluster(tmp_path):
    settings = {"clusters": [{"name": "eu"}, {"name": "us", "kedaHttpAddOn": {"enabled": True}}]}
    eu, us = build_clusters(
        tmp_path, service_yaml("shop", [{"image": "registry.example.com/demo/shop:1"}]), settings
    )
    assert not of_kind(eu.manifests, "HTTPScaledObject")
    assert list(of_kind(us.manifests, "HTTPScaledObject")) == ["shop-00001"]


def test_k8s_subset_schema_catches_what_the_api_server_would_reject():
    """The helper is strict: a typo or a bad enum in an Ingress fails (passing means something)."""
    good = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "x", "namespace": "demo"},
        "spec": {
            "ingressClassName": "nginx",
            "rules": [
                {
                    "host": "x.demo.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "x", "port": {"number": 80}}},
                            }
                        ]
                    },
                }
            ],
        },
    }
    assert builtin_errors(good) == []
    path = good["spec"]["rules"][0]["http"]["paths"][0]
    assert builtin_errors({**good, "spec": {**good["spec"], "ingressClass": "nginx"}})
    path["pathType"] = "prefix"
    assert builtin_errors(good)
