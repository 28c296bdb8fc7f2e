"""kubeconform -strict with knstack's schemas: misspellings fail, free-form fields pass.

Runs the real kubeconform against the real schemas (Kubernetes from kubernetes-validate,
CRDs from ../shared/upstream converted by knstack). The free-form cases are the ones
kubeconform's own converter gets wrong (it ignores x-kubernetes-preserve-unknown-fields).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from knstack.build import build_environment
from knstack.stack import find_project
from knstack.validate import ValidationReport

Check = Callable[[Sequence[dict[str, Any]]], ValidationReport]
UNKNOWN = "unknown field (check the spelling)"


@pytest.fixture(scope="module")
def rendered(repo_root) -> dict[str, dict[str, Any]]:
    """The example's test environment, rendered by the real pipeline, by `Kind/name`."""
    build = build_environment(find_project(repo_root), "test")
    return {f"{m['kind']}/{m['metadata']['name']}": m for c in build.clusters for m in c.manifests}


def knative_service(**template_spec_extra: Any) -> dict[str, Any]:
    """A Knative Service written by hand, as a user of the knative backend would have it."""
    return {
        "apiVersion": "serving.knative.dev/v1",
        "kind": "Service",
        "metadata": {"name": "hello", "namespace": "default"},
        "spec": {
            "template": {
                "metadata": {"annotations": {"autoscaling.knative.dev/min-scale": "1"}},
                "spec": {
                    "containerConcurrency": 10,
                    "containers": [
                        {
                            "image": "registry.example.com/hello:1",
                            "ports": [{"containerPort": 8080}],
                        }
                    ],
                    **template_spec_extra,
                },
            },
            "traffic": [{"latestRevision": True, "percent": 100}],
        },
    }


def only_result(report: ValidationReport):
    assert len(report.results) == 1, report.results
    return report.results[0]


def assert_unknown_field(report: ValidationReport, field: str) -> None:
    result = only_result(report)
    assert result.status == "invalid", result
    assert [(e.field, e.message) for e in result.errors] == [(field, UNKNOWN)]
    assert not report.ok


def test_rendered_objects_are_valid_before_mutation(check_manifests: Check, rendered) -> None:
    report = check_manifests(
        [rendered["Deployment/tea-00001-deployment"], rendered["HTTPRoute/coffee"]]
    )
    assert [r.status for r in report.results] == ["valid", "valid"]


def test_misspelled_field_in_a_deployment_fails(check_manifests: Check, rendered) -> None:
    deployment = copy.deepcopy(rendered["Deployment/tea-00001-deployment"])
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["imagePulPolicy"] = "IfNotPresent"
    assert_unknown_field(
        check_manifests([deployment]), "spec.template.spec.containers[0].imagePulPolicy"
    )


def test_wrong_type_in_a_deployment_fails(check_manifests: Check, rendered) -> None:
    deployment = copy.deepcopy(rendered["Deployment/tea-00001-deployment"])
    deployment["spec"]["revisionHistoryLimit"] = "none"
    result = only_result(check_manifests([deployment]))
    assert result.status == "invalid"
    assert [e.field for e in result.errors] == ["spec.revisionHistoryLimit"]
    assert "want" in result.errors[0].message and "integer" in result.errors[0].message


def test_misspelled_field_in_an_httproute_fails(check_manifests: Check, rendered) -> None:
    route = copy.deepcopy(rendered["HTTPRoute/coffee"])
    backend = route["spec"]["rules"][0]["backendRefs"][0]
    backend["wieght"] = backend.pop("weight")
    assert_unknown_field(check_manifests([route]), "spec.rules[0].backendRefs[0].wieght")


def test_httproute_weight_out_of_range_fails(check_manifests: Check, rendered) -> None:
    route = copy.deepcopy(rendered["HTTPRoute/coffee"])
    route["spec"]["rules"][0]["backendRefs"][0]["weight"] = (
        1_000_001  # the CRD's maximum is 1000000
    )
    result = only_result(check_manifests([route]))
    assert result.status == "invalid"
    assert [e.field for e in result.errors] == ["spec.rules[0].backendRefs[0].weight"]


def test_httproute_unknown_top_level_and_metadata_fields_fail(
    check_manifests: Check, rendered
) -> None:
    route = copy.deepcopy(rendered["HTTPRoute/coffee"])
    route["metadata"]["lables"] = {"a": "b"}  # ObjectMeta is checked for custom resources too
    route["extra"] = True
    result = only_result(check_manifests([route]))
    assert sorted(e.field for e in result.errors) == ["extra", "metadata.lables"]


def test_hand_written_knative_service_is_valid(check_manifests: Check) -> None:
    assert only_result(check_manifests([knative_service()])).status == "valid"


def test_misspelled_field_in_a_knative_service_fails(check_manifests: Check) -> None:
    service = knative_service()
    service["spec"]["template"]["spec"]["containers"][0]["imagee"] = "typo"
    assert_unknown_field(check_manifests([service]), "spec.template.spec.containers[0].imagee")


def test_misspelled_traffic_field_in_a_knative_service_fails(check_manifests: Check) -> None:
    service = knative_service()
    service["spec"]["traffic"][0]["percnt"] = 100
    assert_unknown_field(check_manifests([service]), "spec.traffic[0].percnt")


def test_knative_template_metadata_accepts_fields_the_crd_preserves(check_manifests: Check) -> None:
    # spec.template.metadata has properties *and* x-kubernetes-preserve-unknown-fields in
    # Knative's CRD: the API server keeps other ObjectMeta fields there.
    service = knative_service()
    service["spec"]["template"]["metadata"]["generateName"] = "hello-"
    service["spec"]["template"]["metadata"]["annotations"]["example.com/free-form"] = "any value"
    assert only_result(check_manifests([service])).status == "valid"


def test_knative_preserved_podspec_fields_accept_any_content(check_manifests: Check) -> None:
    affinity = {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}
                ]
            }
        }
    }
    service = knative_service(
        affinity=affinity, securityContext={"runAsNonRoot": True, "futureField": 1}
    )
    assert only_result(check_manifests([service])).status == "valid"


def test_typed_fields_under_a_preserving_node_are_still_checked(check_manifests: Check) -> None:
    service = knative_service()
    service["spec"]["template"]["metadata"]["annotations"]["autoscaling.knative.dev/min-scale"] = 1
    result = only_result(check_manifests([service]))
    assert result.status == "invalid"
    assert [e.field for e in result.errors] == [
        'spec.template.metadata.annotations["autoscaling.knative.dev/min-scale"]'
    ]


def scaled_object(trigger: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": {"name": "tea", "namespace": "coffee-shop"},
        "spec": {
            "scaleTargetRef": {"name": "tea-00001-deployment"},
            "minReplicaCount": 1,
            "maxReplicaCount": 5,
            "triggers": [trigger],
        },
    }


def test_keda_trigger_metadata_is_free_form(check_manifests: Check) -> None:
    trigger = {
        "type": "cron",
        "metadata": {
            "timezone": "Europe/Paris",
            "start": "0 8 * * *",
            "end": "0 20 * * *",
            "desiredReplicas": "3",
        },
    }
    assert only_result(check_manifests([scaled_object(trigger)])).status == "valid"


def test_misspelled_keda_trigger_field_fails(check_manifests: Check) -> None:
    trigger = {"type": "cron", "metadata": {"start": "0 8 * * *"}, "metricTyp": "Value"}
    assert_unknown_field(check_manifests([scaled_object(trigger)]), "spec.triggers[0].metricTyp")


@pytest.mark.parametrize(
    ("port", "status"), [(8080, "valid"), ("http", "valid"), (True, "invalid"), (1.5, "invalid")]
)
def test_int_or_string_accepts_a_number_or_a_name_only(
    check_manifests: Check, port: Any, status: str
) -> None:
    service = knative_service()
    service["spec"]["template"]["spec"]["containers"][0]["readinessProbe"] = {
        "httpGet": {"path": "/ready", "port": port}
    }
    assert only_result(check_manifests([service])).status == status


def test_keda_http_scaled_object_checked_strictly(check_manifests: Check) -> None:
    http_scaled = {
        "apiVersion": "http.keda.sh/v1alpha1",
        "kind": "HTTPScaledObject",
        "metadata": {"name": "orders", "namespace": "coffee-shop"},
        "spec": {
            "hosts": ["orders.example.com"],
            "scaleTargetRef": {
                "name": "orders-00001-deployment",
                "service": "orders-00001",
                "port": 80,
            },
            "replicas": {"min": 0, "max": 4},
        },
    }
    assert only_result(check_manifests([http_scaled])).status == "valid"
    http_scaled["spec"]["replicas"]["maximum"] = http_scaled["spec"]["replicas"].pop("max")
    assert_unknown_field(check_manifests([http_scaled]), "spec.replicas.maximum")


def test_tekton_task_checked_strictly(check_manifests: Check) -> None:
    task = {
        "apiVersion": "tekton.dev/v1",
        "kind": "Task",
        "metadata": {"name": "build", "namespace": "ci"},
        "spec": {"steps": [{"name": "echo", "image": "busybox", "script": "echo hi"}]},
    }
    assert only_result(check_manifests([task])).status == "valid"
    task["spec"]["steps"][0]["scirpt"] = task["spec"]["steps"][0].pop("script")
    assert_unknown_field(check_manifests([task]), "spec.steps[0].scirpt")


def test_istio_virtual_service_checked_strictly(check_manifests: Check) -> None:
    virtual_service = {
        "apiVersion": "networking.istio.io/v1",
        "kind": "VirtualService",
        "metadata": {"name": "coffee", "namespace": "coffee-shop"},
        "spec": {
            "hosts": ["coffee.example.com"],
            "gateways": ["gateway-system/public"],
            "http": [
                {
                    "route": [
                        {
                            "destination": {"host": "coffee-00001", "port": {"number": 80}},
                            "weight": 70,
                        },
                        {
                            "destination": {"host": "coffee-00002", "port": {"number": 80}},
                            "weight": 30,
                        },
                    ]
                }
            ],
        },
    }
    assert only_result(check_manifests([virtual_service])).status == "valid"
    virtual_service["spec"]["http"][0]["route"][0]["destination"]["prot"] = {"number": 80}
    assert_unknown_field(
        check_manifests([virtual_service]), "spec.http[0].route[0].destination.prot"
    )
