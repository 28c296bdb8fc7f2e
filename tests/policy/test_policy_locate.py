"""Finding the line of a field in a YAML source, for reports that point at what to change."""

from __future__ import annotations

from pathlib import Path

from knstack.policy.locate import Location, Locator, parse_source, path_tokens

SOURCE = """\
# comment
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: a
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/max-scale: "3"
    spec:
      containers:
        - image: x:1
          env:
            - name: A
              value: b
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: b
"""


def test_path_tokens() -> None:
    assert path_tokens(
        'spec.template.metadata.annotations["autoscaling.knative.dev/max-scale"]'
    ) == ["spec", "template", "metadata", "annotations", "autoscaling.knative.dev/max-scale"]
    assert path_tokens("spec.containers[0].env[12].value") == [
        "spec",
        "containers",
        0,
        "env",
        12,
        "value",
    ]


def test_parse_source() -> None:
    assert parse_source("components/orders.yaml:3") == Location("components/orders.yaml", 3)
    assert parse_source("components/coffee.py") == Location("components/coffee.py")


def test_fields_are_found_on_their_line(tmp_path: Path) -> None:
    (tmp_path / "svc.yaml").write_text(SOURCE)
    locator = Locator(tmp_path)
    doc = Location("svc.yaml", 2)
    assert locator.locate(doc, "spec.template.spec.containers[0].env[0].value").line == 16
    assert (
        locator.locate(
            doc, 'spec.template.metadata.annotations["autoscaling.knative.dev/max-scale"]'
        ).line
        == 10
    )
    # a missing field points at its deepest existing parent
    assert (
        locator.locate(
            doc, 'spec.template.metadata.annotations["autoscaling.knative.dev/min-scale"]'
        ).line
        == 9
    )
    assert locator.locate(doc, "spec.template.spec.containers[3].image").line == 12
    # the second document
    assert locator.locate(Location("svc.yaml", 18), "metadata.name").line == 21


def test_sources_without_lines_stay_as_they_are(tmp_path: Path) -> None:
    locator = Locator(tmp_path)
    assert locator.locate(Location("components/coffee.py"), "spec.template") == Location(
        "components/coffee.py"
    )
    assert locator.locate(Location("missing.yaml", 1), "spec") == Location("missing.yaml", 1)
