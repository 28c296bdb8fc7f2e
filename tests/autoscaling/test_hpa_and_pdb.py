"""HPA class (as Knative makes it) and the PodDisruptionBudget from min-scale 2."""

from __future__ import annotations

from tests.render_helpers import build_cluster, index, of_kind, revision_labels, service_yaml

HPA_ANNOTATIONS = {
    "autoscaling.knative.dev/class": "hpa.autoscaling.knative.dev",
    "autoscaling.knative.dev/metric": "cpu",
    "autoscaling.knative.dev/target": "70",
    "autoscaling.knative.dev/min-scale": "2",
    "autoscaling.knative.dev/max-scale": "8",
    "autoscaling.knative.dev/window": "2m",
}


def _pdb(revision: str, generation: int = 1) -> dict:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {
            "name": revision,
            "namespace": "demo",
            "labels": revision_labels(revision, generation=generation),
        },
        "spec": {
            "maxUnavailable": 1,
            "selector": {"matchLabels": {"serving.knative.dev/revision": revision}},
            "unhealthyPodEvictionPolicy": "AlwaysAllow",
        },
    }


def test_hpa_class_revision(tmp_path):
    build = build_cluster(
        tmp_path,
        service_yaml(
            "shop", [{"image": "registry.example.com/demo/shop:1", "annotations": HPA_ANNOTATIONS}]
        ),
    )
    objects = index(build.manifests)
    # Facts 3.5: named like the revision, PA labels/annotations, Deployment target,
    # minReplicas from min-scale, cpu target as a utilization percent, window both ways.
    assert objects[("HorizontalPodAutoscaler", "shop-00001")] == {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {
            "name": "shop-00001",
            "namespace": "demo",
            "labels": revision_labels("shop-00001"),
            "annotations": dict(sorted(HPA_ANNOTATIONS.items())),
        },
        "spec": {
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": "shop-00001-deployment",
            },
            "minReplicas": 2,
            "maxReplicas": 8,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
            "behavior": {
                "scaleDown": {"stabilizationWindowSeconds": 120},
                "scaleUp": {"stabilizationWindowSeconds": 120},
            },
        },
    }
    assert "replicas" not in objects[("Deployment", "shop-00001-deployment")]["spec"]
    assert objects[("PodDisruptionBudget", "shop-00001")] == _pdb("shop-00001")
    assert build.warnings == []


def test_pdb_follows_min_scale_whatever_the_autoscaler(tmp_path):
    versions = [
        {
            "image": "registry.example.com/demo/shop:1",
            "annotations": {"autoscaling.knative.dev/min-scale": "1"},
        },
        {
            "image": "registry.example.com/demo/shop:2",
            "annotations": {"autoscaling.knative.dev/min-scale": "3"},
        },
    ]
    traffic = (
        "  traffic:\n    - revisionName: shop-00001\n      percent: 50\n"
        "    - latestRevision: true\n      percent: 50\n"
    )
    build = build_cluster(tmp_path, service_yaml("shop", versions, traffic=traffic))
    # min-scale 1: no budget; min-scale 3 on a fixed-replica (KPA, no add-on) revision: one.
    assert of_kind(build.manifests, "PodDisruptionBudget") == {
        "shop-00002": _pdb("shop-00002", generation=2)
    }
    deployments = of_kind(build.manifests, "Deployment")
    assert deployments["shop-00002-deployment"]["spec"]["replicas"] == 3
