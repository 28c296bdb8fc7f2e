"""The HTTPScaledObject and ScaledObject targets follow from the Knative settings, as the
worked examples in docs/autoscaling.md say (the tables are parsed, not copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.crd import crd_errors
from tests.render_helpers import build_cluster, of_kind, service_yaml

DOCS = Path(__file__).resolve().parents[2] / "docs" / "autoscaling.md"
PREFIX = "autoscaling.knative.dev/"
ADD_ON = {"kedaHttpAddOn": {"enabled": True}}


def _table(marker: str) -> list[list[str]]:
    lines = DOCS.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"<!-- {marker} -->") + 3  # skip the header and the separator
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    assert rows, f"no rows under {marker} in {DOCS}"
    return rows


def _annotations(cell: str) -> dict[str, str]:
    pairs = [part.strip() for part in cell.split(";") if part.strip()]
    return {PREFIX + key: value for key, value in (pair.split("=", 1) for pair in pairs)}


def _replicas(cell: str) -> tuple[int, int]:
    low, high = cell.split("..")
    return int(low), int(high)


HTTP_ROWS = _table("http-scaled-object-examples")
SCALED_ROWS = _table("scaled-object-examples")


@pytest.mark.parametrize(("cc", "annotations", "metric", "replicas", "scaledown"), HTTP_ROWS)
def test_http_scaled_object_examples(tmp_path, cc, annotations, metric, replicas, scaledown):
    version = {
        "image": "registry.example.com/demo/shop:1",
        "annotations": _annotations(annotations),
        "cc": int(cc),
    }
    build = build_cluster(tmp_path, service_yaml("shop", [version]), ADD_ON)
    scaled = of_kind(build.manifests, "HTTPScaledObject")["shop-00001"]
    spec = scaled["spec"]
    kind, value, *window = metric.split()
    if kind == "concurrency":
        assert spec["scalingMetric"] == {"concurrency": {"targetValue": int(value)}}
    else:
        assert spec["scalingMetric"] == {
            "requestRate": {"granularity": "1s", "targetValue": int(value), "window": window[0]}
        }
    low, high = _replicas(replicas)
    assert spec["replicas"] == {"min": low, "max": high}
    assert spec["scaledownPeriod"] == int(scaledown)
    assert crd_errors(scaled) == []


@pytest.mark.parametrize(("annotations", "trigger", "replicas"), SCALED_ROWS)
def test_scaled_object_examples(tmp_path, annotations, trigger, replicas):
    values = _annotations(annotations)
    low, high = _replicas(replicas)
    # A one-window schedule just above the HPA's floor (validation wants it to matter).
    window = f'[{{"start": "0 8 * * 1-5", "end": "0 20 * * 1-5", "replicas": {low + 1}}}]'
    values["knstack.dev/schedule"] = window.replace('"', '\\"')
    build = build_cluster(
        tmp_path,
        service_yaml(
            "shop", [{"image": "registry.example.com/demo/shop:1", "annotations": values}]
        ),
    )
    scaled = of_kind(build.manifests, "ScaledObject")["shop-00001"]
    kind, metric_type, value = trigger.split()
    demand = scaled["spec"]["triggers"][-1]
    assert demand == {"type": kind, "metricType": metric_type, "metadata": {"value": value}}
    assert (scaled["spec"]["minReplicaCount"], scaled["spec"]["maxReplicaCount"]) == (low, high)
    assert crd_errors(scaled) == []


def test_examples_agree_with_the_knative_facts():
    """Independent of the docs: knative/serving pkg/reconciler/autoscaling/resources/target.go's own examples (CC=0 -> 70; CC=10 and target
    50 -> 7; rps -> 140) appear in the table, so the table cannot drift from Knative."""
    by_input = {(row[0], row[1]): row[2] for row in HTTP_ROWS}
    assert by_input[("0", "")] == "concurrency 70"
    assert by_input[("10", "target=50")] == "concurrency 7"
    assert by_input[("0", "metric=rps")] == "requestRate 140 60s"
