"""Whole-manifest tests of the kubernetes backend's autoscaling: the HPA class exactly as
Knative's HPA reconciler builds it (knative/serving pkg/reconciler/autoscaling/hpa/resources/hpa.go), and the KPA fallback to fixed replicas."""

from __future__ import annotations

from pathlib import Path

from tests.core.helpers import build_yaml, manifests_by_key

HPA = """
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: calc
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/class: hpa.autoscaling.knative.dev
        autoscaling.knative.dev/metric: {metric}
        autoscaling.knative.dev/target: "{target}"
        autoscaling.knative.dev/min-scale: "2"
        autoscaling.knative.dev/max-scale: "6"
        autoscaling.knative.dev/window: 90s
    spec:
      containers:
      - image: registry.example.com/calc:1
"""


def _hpa(tmp_path: Path, metric: str, target: str) -> dict[str, object]:
    objects = manifests_by_key(build_yaml(tmp_path, HPA.format(metric=metric, target=target)))
    assert (
        "replicas" not in objects[("Deployment", "calc-00001-deployment")]["spec"]
    )  # the HPA owns it
    return objects[("HorizontalPodAutoscaler", "calc-00001")]


def test_hpa_on_cpu_targets_a_utilization_percent(tmp_path: Path) -> None:
    hpa = _hpa(tmp_path, "cpu", "62.5")
    assert hpa == {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {
            "name": "calc-00001",
            "namespace": "default",
            "labels": {
                "app": "calc-00001",
                "serving.knative.dev/configuration": "calc",
                "serving.knative.dev/configurationGeneration": "1",
                "serving.knative.dev/revision": "calc-00001",
                "serving.knative.dev/service": "calc",
            },
            "annotations": {
                "autoscaling.knative.dev/class": "hpa.autoscaling.knative.dev",
                "autoscaling.knative.dev/max-scale": "6",
                "autoscaling.knative.dev/metric": "cpu",
                "autoscaling.knative.dev/min-scale": "2",
                "autoscaling.knative.dev/target": "62.5",
                "autoscaling.knative.dev/window": "90s",
            },
        },
        "spec": {
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": "calc-00001-deployment",
            },
            "minReplicas": 2,
            "maxReplicas": 6,
            # ceil(62.5), a percent of the CPU request.
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 63},
                    },
                }
            ],
            "behavior": {
                "scaleDown": {"stabilizationWindowSeconds": 90},
                "scaleUp": {"stabilizationWindowSeconds": 90},
            },
        },
    }


def test_hpa_on_memory_targets_mebibytes_per_pod(tmp_path: Path) -> None:
    hpa = _hpa(tmp_path, "memory", "200")
    assert hpa["spec"]["metrics"] == [
        {
            "type": "Resource",
            "resource": {
                "name": "memory",
                "target": {"type": "AverageValue", "averageValue": "200Mi"},
            },
        }
    ]


def test_hpa_on_a_custom_metric_uses_a_pods_metric(tmp_path: Path) -> None:
    hpa = _hpa(tmp_path, "queue_depth", "30")
    assert hpa["spec"]["metrics"] == [
        {
            "type": "Pods",
            "pods": {
                "metric": {"name": "queue_depth"},
                "target": {"type": "AverageValue", "averageValue": "30"},
            },
        }
    ]


def test_hpa_without_target_leaves_metrics_to_kubernetes_defaults(tmp_path: Path) -> None:
    text = HPA.format(metric="cpu", target="1").replace(
        '        autoscaling.knative.dev/target: "1"\n', ""
    )
    hpa = manifests_by_key(build_yaml(tmp_path, text))[("HorizontalPodAutoscaler", "calc-00001")]
    assert "metrics" not in hpa["spec"]


def test_kpa_revision_gets_fixed_replicas_and_a_warning(tmp_path: Path) -> None:
    text = """
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: lazy}
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/min-scale: "2"
        autoscaling.knative.dev/initial-scale: "3"
    spec:
      containers: [{image: registry.example.com/app:1}]
"""
    build = build_yaml(tmp_path, text)
    objects = manifests_by_key(build)
    assert objects[("Deployment", "lazy-00001-deployment")]["spec"]["replicas"] == 3
    assert not any(kind == "HorizontalPodAutoscaler" for kind, _ in objects)
    assert any("KPA class" in w and "fixed 3 replica" in w for w in build.warnings)
