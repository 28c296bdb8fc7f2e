"""The example project renders with every gateway and autoscaler; every custom resource
it renders passes its CRD's schema (../shared/upstream), and every Ingress, Service,
HPA and PodDisruptionBudget the Kubernetes API subset in tests/k8s_subset.py."""

from __future__ import annotations

import pytest

from knstack.build import build_environment
from knstack.errors import InputError
from knstack.stack import find_project
from tests.crd import crd_errors, is_custom
from tests.k8s_subset import builtin_errors, covered

ENVIRONMENTS = ("test", "staging", "prod")


def _kinds(manifests: list[dict]) -> set[str]:
    return {m["kind"] for m in manifests}


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("gateway", [None, "gateway-api", "istio", "nginx", "alb"])
def test_example_renders_and_custom_resources_match_their_crds(
    example_project, environment, gateway
):
    project = find_project(example_project)
    try:
        build = build_environment(project, environment, gateway=gateway)
    except InputError as err:
        # Only the Ingress gateways refuse, and only on prod, whose prod-us cluster scales
        # request-driven revisions through the KEDA HTTP add-on's interceptor (which the
        # ALB cannot reach, and NGINX cannot address per revision on a shared host).
        assert environment == "prod" and gateway in ("nginx", "alb")
        for problem in err.problems:
            assert problem.obj.startswith("Route coffee-shop/") and problem.field == "spec.traffic"
            assert "KEDA HTTP add-on" in problem.message
        return
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


def test_prod_us_shows_istio_and_every_autoscaler(example_project):
    build = build_environment(find_project(example_project), "prod")
    eu, us = build.clusters
    assert {
        "HTTPRoute",
        "HorizontalPodAutoscaler",
        "ScaledObject",
        "PodDisruptionBudget",
    } <= _kinds(eu.manifests)
    assert "HTTPScaledObject" not in _kinds(eu.manifests)
    assert {
        "VirtualService",
        "HTTPScaledObject",
        "ScaledObject",
        "HorizontalPodAutoscaler",
    } <= _kinds(us.manifests)
    assert "HTTPRoute" not in _kinds(us.manifests)
    names = {(m["kind"], m["metadata"]["name"]) for m in us.manifests}
    # menu may scale to zero on prod-us, so prod's reserved instance applies there only.
    assert ("Deployment", "menu-00001-reserved") in names
    assert ("Deployment", "menu-00001-reserved") not in {
        (m["kind"], m["metadata"]["name"]) for m in eu.manifests
    }
    assert ("HTTPScaledObject", "coffee-00001") in names and (
        "ScaledObject",
        "pastry-00001",
    ) in names
    # No warning about the add-on on prod-us for public routes; orders (cluster-local) keeps one.
    us_warnings = [w for w in us.warnings if "KEDA HTTP add-on" in w]
    assert len(us_warnings) == 1 and "orders-00001" in us_warnings[0]
