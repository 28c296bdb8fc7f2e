"""Knative Services are judged as the pods Knative will create from them.

With config-features `secure-pod-defaults` (which knstack's own install enables), Knative
completes a revision's securityContext to meet "restricted"; without it the Service must
carry it. A setting a user spells out is judged as written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from knstack.policy import check_environment
from knstack.policy.model import RuleContext
from knstack.policy.rules.secrets import env_secret_literal
from knstack.policy.rules.security import pod_security_restricted
from knstack.stack import find_project


def knative_service(security: dict | None = None) -> dict:
    container: dict = {"image": "registry.example.com/app@sha256:" + "0" * 64}
    if security is not None:
        container["securityContext"] = security
    return {
        "apiVersion": "serving.knative.dev/v1",
        "kind": "Service",
        "metadata": {"name": "app", "namespace": "shop"},
        "spec": {"template": {"spec": {"containers": [container]}}},
    }


def fields(obj: dict, level: str) -> set[str]:
    return {v.field for v in pod_security_restricted(obj, RuleContext(secure_pod_defaults=level))}


def test_without_secure_defaults_a_bare_knative_service_breaks_restricted() -> None:
    base = "spec.template.spec.containers[0].securityContext"
    assert fields(knative_service(), "disabled") == {
        f"{base}.allowPrivilegeEscalation",
        f"{base}.runAsNonRoot",
        f"{base}.seccompProfile.type",
        f"{base}.capabilities.drop",
    }


def test_secure_defaults_enabled_complete_the_pod() -> None:
    assert fields(knative_service(), "enabled") == set()


def test_root_allowed_leaves_run_as_non_root_to_the_user() -> None:
    assert fields(knative_service(), "root-allowed") == {
        "spec.template.spec.containers[0].securityContext.runAsNonRoot"
    }
    assert fields(knative_service({"runAsNonRoot": True}), "root-allowed") == set()


def test_explicit_insecure_settings_are_judged_as_written() -> None:
    found = fields(knative_service({"allowPrivilegeEscalation": True}), "enabled")
    assert found == {"spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation"}


def test_a_deployment_gets_no_knative_defaults() -> None:
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "app", "namespace": "shop"},
        "spec": {"template": {"spec": {"containers": [{"name": "app", "image": "x"}]}}},
    }
    assert fields(deployment, "enabled")  # knstack writes the defaults itself; none here


@pytest.mark.parametrize("value", ["false", "True", "0", "30", "disabled"])
def test_switches_and_numbers_named_like_secrets_are_not_secrets(value: str) -> None:
    obj = knative_service()
    obj["spec"]["template"]["spec"]["containers"][0]["env"] = [
        {"name": "ENABLE_SECRET_FILTERING", "value": value}
    ]
    assert list(env_secret_literal(obj, RuleContext())) == []


def test_a_literal_value_named_like_a_secret_is_still_flagged() -> None:
    obj = knative_service()
    obj["spec"]["template"]["spec"]["containers"][0]["env"] = [
        {"name": "API_TOKEN", "value": "a8f3kq"}
    ]
    assert [v.field for v in env_secret_literal(obj, RuleContext())] == [
        "spec.template.spec.containers[0].env[0].value"
    ]


def test_the_knative_example_environment_passes(repo_root: Path) -> None:
    report = check_environment(find_project(repo_root), "lab")
    assert report.passed, [(f.rule.id, f.object, f.field) for f in report.findings if f.blocking]
