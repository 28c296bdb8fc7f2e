"""The example project renders with every gateway and autoscaler; every custom resource
it renders passes its CRD's schema (../shared/upstream), and every Ingress, Service,
HPA and PodDisruptionBudget the Kubernetes API subset in tests/k8s_subset.py."""

from __future__ import annotations

import pytest

from knstack.build import build_environment
from knstack.errors import InputError
from knstack.stack import find_project
from tests.conftest import without_keda_http_add_on
from tests.crd import crd_errors, is_custom
from tests.k8s_subset import builtin_errors, covered

ENVIRONMENTS = ("test", "staging", "prod")


def _kinds(manifests: list[dict]) -> set[str]:
    return {m["kind"] for m in manifests}


# Every example cluster declares the KEDA HTTP add-on. The ALB cannot reach its
# interceptor, and NGINX cannot set the per-revision header that revisions sharing a host
# need (coffee's canary in test and staging): those combinations refuse with the add-on and
# are rendered again without it.
REFUSED = {("alb", env) for env in ENVIRONMENTS} | {("nginx", "test"), ("nginx", "staging")}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("gateway", [None, "gateway-api", "istio", "nginx", "alb"])
def test_example_renders_and_custom_resources_match_their_crds(
    example_project, environment, gateway
):
    if (gateway, environment) in REFUSED:
        with pytest.raises(InputError) as refused:
            build_environment(find_project(example_project), environment, gateway=gateway)
        for problem in refused.value.problems:
            assert problem.obj.startswith("Route coffee-shop/") and problem.field == "spec.traffic"
            assert "KEDA HTTP add-on" in problem.message
        without_keda_http_add_on(example_project, environment)
    build = build_environment(find_project(example_project), environment, gateway=gateway)
    custom = builtin = 0
    for cluster in build.clusters:
        for manifest in cluster.manifests:
            if is_custom(manifest):
                assert crd_errors(manifest) == []
                custom += 1
            elif covered(manifest):
                assert builtin_errors(manifest) == []
                builtin += 1
    assert custom > 0 or gateway in ("nginx", "alb")
    assert builtin > 0


def test_alb_refuses_prod_where_menu_scales_through_the_interceptor(example_project):
    with pytest.raises(InputError) as raised:
        build_environment(find_project(example_project), "prod", gateway="alb")
    # Every refused route is reported at once.
    refused = {problem.obj for problem in raised.value.problems}
    assert {"Route coffee-shop/coffee", "Route coffee-shop/menu"} <= refused


def test_prod_shows_istio_and_every_autoscaler(example_project):
    build = build_environment(find_project(example_project), "prod")
    eu, us = build.clusters
    autoscalers = {"HTTPScaledObject", "ScaledObject", "HorizontalPodAutoscaler"}
    assert {"HTTPRoute", "PodDisruptionBudget", *autoscalers} <= _kinds(eu.manifests)
    assert {"VirtualService", *autoscalers} <= _kinds(us.manifests)
    assert "HTTPRoute" not in _kinds(us.manifests)
    for cluster in (eu, us):
        names = {(m["kind"], m["metadata"]["name"]) for m in cluster.manifests}
        # menu may scale to zero through the add-on, so prod's reserved instance applies.
        assert ("Deployment", "menu-00001-reserved") in names
        assert {("HTTPScaledObject", "coffee-00001"), ("ScaledObject", "pastry-00001")} <= names
        # orders (cluster-local, h2c) takes the HPA class: CPU, not requests, scales it.
        assert ("HorizontalPodAutoscaler", "orders-00001") in names
    # Each cluster gives its services what they need: no warning about the example itself.
    assert eu.warnings == [] and us.warnings == []
