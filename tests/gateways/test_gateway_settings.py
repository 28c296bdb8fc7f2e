"""The gateway and KEDA HTTP add-on settings of a stack file: kinds, per-kind fields."""

from __future__ import annotations

import pytest

from knstack.errors import InputError
from knstack.stack.loader import parse_settings
from knstack.stack.settings import GatewayRef


def _parse(**config):
    return parse_settings(
        {f"knstack:{k}": v for k, v in config.items()}, "stacks/Pulumi.x.yaml", "x"
    )


def test_gateway_kinds_and_their_fields():
    settings = _parse(
        gateway={"kind": "nginx", "ingressClass": "public"},
        clusters=[
            {"name": "a"},
            {"name": "b", "gateway": {"kind": "istio", "name": "gw", "namespace": "istio-system"}},
        ],
        kedaHttpAddOn={"enabled": True, "interceptor": {"namespace": "keda-http"}},
    )
    assert settings.gateway.ingress_class_name == "public"
    assert settings.cluster("b").gateway.kind == "istio"
    assert settings.keda_http_add_on.interceptor.name == "keda-add-ons-http-interceptor-proxy"
    assert settings.keda_http_add_on.interceptor.namespace == "keda-http"
    assert GatewayRef(kind="alb").ingress_class_name == "alb"


@pytest.mark.parametrize(
    ("config", "field", "message"),
    [
        (
            {"gateway": {"kind": "istio", "sectionName": "https"}},
            'config."knstack:gateway".sectionName',
            "sectionName is a Gateway API listener",
        ),
        (
            {"gateway": {"kind": "gateway-api", "ingressClass": "nginx"}},
            'config."knstack:gateway".ingressClass',
            "only used by the nginx and alb gateways",
        ),
        (
            {"gateway": {"kind": "traefik"}},
            'config."knstack:gateway".kind',
            "'gateway-api', 'nginx', 'alb' or 'istio'",
        ),
        (
            {"kedaHttpAddOn": {"enabled": True, "proxy": "x"}},
            'config."knstack:kedaHttpAddOn".proxy',
            "unknown setting",
        ),
        (
            {"kedaHttpAddOn": {"interceptor": {"port": 0}}},
            'config."knstack:kedaHttpAddOn".interceptor.port',
            "greater than or equal to 1",
        ),
        (
            {"clusters": [{"name": "a", "kedaHttpAddOn": {"enabled": "sometimes"}}]},
            'config."knstack:clusters"[0].kedaHttpAddOn.enabled',
            "boolean",
        ),
    ],
)
def test_bad_gateway_settings_name_the_file_and_field(config, field, message):
    with pytest.raises(InputError) as raised:
        _parse(**config)
    (problem,) = raised.value.problems
    assert problem.file == "stacks/Pulumi.x.yaml" and problem.obj == "stack x"
    assert problem.field == field
    assert message in problem.message


def test_switching_kind_drops_the_fields_the_new_kind_does_not_use():
    ref = GatewayRef(name="public", namespace="gateway-system", section_name="https")
    assert ref.with_kind("istio") == GatewayRef(
        kind="istio", name="public", namespace="gateway-system"
    )
    assert (
        GatewayRef(kind="nginx", ingress_class="x").with_kind("gateway-api").ingress_class is None
    )
