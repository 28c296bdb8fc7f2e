"""What the policy work changed in the expansion: budgets for revisions kept at two or more pods."""

from __future__ import annotations

from pathlib import Path

from knstack.build import build_files

TEMPLATE = """\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: {name}
  namespace: cafe
spec:
  template:
    metadata:
      annotations:
{annotations}    spec:
      containers:
        - image: registry.example.com/cafe/{name}:1.0.0
"""


def _manifests(tmp_path: Path, name: str, annotations: dict[str, str]) -> list[dict]:
    source = tmp_path / f"{name}.yaml"
    lines = "".join(f'        {k}: "{v}"\n' for k, v in annotations.items())
    source.write_text(TEMPLATE.format(name=name, annotations=lines))
    return build_files([source]).clusters[0].manifests


def test_min_scale_two_gets_a_budget_that_allows_drains(tmp_path: Path) -> None:
    manifests = _manifests(tmp_path, "mocha", {"autoscaling.knative.dev/min-scale": "3"})
    [pdb] = [m for m in manifests if m["kind"] == "PodDisruptionBudget"]
    assert pdb["apiVersion"] == "policy/v1"
    assert pdb["metadata"]["name"] == "mocha-00001"
    assert pdb["spec"] == {
        "maxUnavailable": 1,
        "selector": {"matchLabels": {"serving.knative.dev/revision": "mocha-00001"}},
        "unhealthyPodEvictionPolicy": "AlwaysAllow",
    }
    [deployment] = [m for m in manifests if m["kind"] == "Deployment"]
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert (
        pod_labels["serving.knative.dev/revision"] == "mocha-00001"
    )  # the budget selects these pods


def test_hpa_class_with_min_scale_two_gets_a_budget(tmp_path: Path) -> None:
    manifests = _manifests(
        tmp_path,
        "chai",
        {
            "autoscaling.knative.dev/class": "hpa.autoscaling.knative.dev",
            "autoscaling.knative.dev/metric": "cpu",
            "autoscaling.knative.dev/min-scale": "2",
        },
    )
    assert [
        m["kind"]
        for m in manifests
        if m["kind"] in ("HorizontalPodAutoscaler", "PodDisruptionBudget")
    ] == ["HorizontalPodAutoscaler", "PodDisruptionBudget"]


def test_fewer_than_two_pods_get_no_budget(tmp_path: Path) -> None:
    for min_scale in ({}, {"autoscaling.knative.dev/min-scale": "1"}):
        manifests = _manifests(
            tmp_path, "latte", {"autoscaling.knative.dev/max-scale": "5", **min_scale}
        )
        assert not [m for m in manifests if m["kind"] == "PodDisruptionBudget"]
