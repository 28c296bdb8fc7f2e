"""KPA class on the KEDA HTTP add-on, and the fixed-replica fallback without it."""

from __future__ import annotations

from tests.crd import crd_errors
from tests.render_helpers import build_cluster, index, of_kind, revision_labels, service_yaml

ADD_ON = {"kedaHttpAddOn": {"enabled": True}}
COFFEE = {
    "autoscaling.knative.dev/min-scale": "1",
    "autoscaling.knative.dev/max-scale": "10",
    "autoscaling.knative.dev/target": "50",
}


def test_kpa_revision_gets_an_http_scaled_object(tmp_path):
    yaml_text = service_yaml(
        "shop", [{"image": "registry.example.com/demo/shop:1", "annotations": COFFEE, "cc": 100}]
    )
    build = build_cluster(tmp_path, yaml_text, ADD_ON)
    objects = index(build.manifests)
    scaled = objects[("HTTPScaledObject", "shop-00001")]
    assert scaled == {
        "apiVersion": "http.keda.sh/v1alpha1",
        "kind": "HTTPScaledObject",
        "metadata": {
            "name": "shop-00001",
            "namespace": "demo",
            "labels": revision_labels("shop-00001"),
            "annotations": dict(sorted(COFFEE.items())),
        },
        "spec": {
            "hosts": ["shop.demo.example.com"],
            "replicas": {"min": 1, "max": 10},
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": "shop-00001-deployment",
                "service": "shop-00001",
                "port": 80,
            },
            # 60s stable window + 30s scale-to-zero grace (config-autoscaler defaults).
            "scaledownPeriod": 90,
            # containerConcurrency 100, target 50 (below it) x 70% utilization = 35.
            "scalingMetric": {"concurrency": {"targetValue": 35}},
        },
    }
    assert crd_errors(scaled) == []
    # CEL rule of the CRD (not checked by jsonschema): exactly one of port / portName.
    ref = scaled["spec"]["scaleTargetRef"]
    assert ("port" in ref) != ("portName" in ref)
    # The autoscaler owns the replica count.
    assert "replicas" not in objects[("Deployment", "shop-00001-deployment")]["spec"]
    assert not of_kind(build.manifests, "HorizontalPodAutoscaler", "ScaledObject")
    assert build.warnings == []


def test_settings_the_add_on_cannot_carry_are_reported(tmp_path):
    annotations = {
        "autoscaling.knative.dev/initial-scale": "2",
        "autoscaling.knative.dev/target-burst-capacity": "-1",
        "autoscaling.knative.dev/panic-window-percentage": "20",
    }
    yaml_text = service_yaml(
        "shop", [{"image": "registry.example.com/demo/shop:1", "annotations": annotations}]
    )
    build = build_cluster(tmp_path, yaml_text, ADD_ON)
    assert build.warnings == [
        "Revision demo/shop-00001: the KEDA HTTP add-on has no equivalent of initial-scale, "
        "target-burst-capacity, panic-window-percentage; these settings are not carried "
        "(see docs/autoscaling.md)"
    ]


def test_without_the_add_on_kpa_runs_fixed_replicas_with_a_warning(tmp_path):
    annotations = {
        "autoscaling.knative.dev/min-scale": "2",
        "autoscaling.knative.dev/initial-scale": "3",
    }
    yaml_text = service_yaml(
        "shop", [{"image": "registry.example.com/demo/shop:1", "annotations": annotations}]
    )
    build = build_cluster(tmp_path, yaml_text)
    assert of_kind(build.manifests, "Deployment")["shop-00001-deployment"]["spec"]["replicas"] == 3
    assert not of_kind(build.manifests, "HTTPScaledObject")
    assert build.warnings == [
        "Revision demo/shop-00001: the KPA class (request-driven scaling, scale to zero) needs the "
        "KEDA HTTP add-on, which this cluster does not declare (knstack:kedaHttpAddOn); rendering "
        "a fixed 3 replica(s) (max of min-scale, initial-scale, 1)"
    ]


def test_cluster_local_routes_do_not_pass_through_the_interceptor(tmp_path):
    labels = "  labels:\n    networking.knative.dev/visibility: cluster-local\n"
    yaml_text = service_yaml(
        "orders", [{"image": "registry.example.com/demo/orders:1"}], labels=labels
    )
    build = build_cluster(tmp_path, yaml_text, ADD_ON)
    assert not of_kind(build.manifests, "HTTPScaledObject")
    assert (
        of_kind(build.manifests, "Deployment")["orders-00001-deployment"]["spec"]["replicas"] == 1
    )
    (warning,) = build.warnings
    assert "a cluster-local route reaches this revision directly" in warning


def test_rps_metric_and_scale_down_settings(tmp_path):
    annotations = {
        "autoscaling.knative.dev/metric": "rps",
        "autoscaling.knative.dev/target": "300",
        "autoscaling.knative.dev/window": "90s",
        "autoscaling.knative.dev/scale-to-zero-pod-retention-period": "2m",
    }
    yaml_text = service_yaml(
        "shop", [{"image": "registry.example.com/demo/shop:1", "annotations": annotations}]
    )
    spec = of_kind(build_cluster(tmp_path, yaml_text, ADD_ON).manifests, "HTTPScaledObject")[
        "shop-00001"
    ]["spec"]
    # 300 rps x 70% = 210 per pod; zero after 90s idle + max(30s grace, 120s retention).
    assert spec["scalingMetric"] == {
        "requestRate": {"granularity": "1s", "targetValue": 210, "window": "90s"}
    }
    assert spec["scaledownPeriod"] == 210
    assert spec["replicas"] == {"min": 0, "max": 2147483647}


def test_h2c_revisions_are_not_sent_through_the_interceptor(tmp_path):
    versions = [
        {"image": "registry.example.com/demo/grpc:1", "port": "{name: h2c, containerPort: 9000}"}
    ]
    build = build_cluster(tmp_path, service_yaml("grpc", versions), ADD_ON)
    assert not of_kind(build.manifests, "HTTPScaledObject", "ReferenceGrant")
    backend = of_kind(build.manifests, "HTTPRoute")["grpc"]["spec"]["rules"][0]["backendRefs"]
    assert backend == [
        {"group": "", "kind": "Service", "name": "grpc-00001", "port": 81, "weight": 100}
    ]
    (warning,) = build.warnings
    assert "reached over HTTP/1.1, and this revision serves h2c" in warning
