"""knstack's pinned CRDs (tools/crds): every custom resource knstack writes is checked with
no `--crds` and no network, and CRDs the user or the input gives take precedence."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from knstack.cli import main
from knstack.validate import SchemaOptions, validate_paths
from knstack.validate.bundled_crds import bundled_crd_files, bundled_crds_dir, bundled_sources
from knstack.yamlio import dump_yaml_stream

# (group, kind) of every custom resource knstack can write, by the project shipping its CRD.
WRITTEN_KINDS = {
    "gateway-api": {
        ("gateway.networking.k8s.io", "HTTPRoute"),
        ("gateway.networking.k8s.io", "Gateway"),
        ("gateway.networking.k8s.io", "ReferenceGrant"),
    },
    "istio": {("networking.istio.io", "VirtualService"), ("networking.istio.io", "Gateway")},
    "keda": {("keda.sh", "ScaledObject")},
    "keda-http-add-on": {("http.keda.sh", "HTTPScaledObject")},
    "knative-serving": {
        ("serving.knative.dev", "Service"),
        ("serving.knative.dev", "Configuration"),
        ("serving.knative.dev", "Route"),
        ("networking.internal.knative.dev", "Certificate"),
        ("networking.internal.knative.dev", "Ingress"),
        ("caching.internal.knative.dev", "Image"),
    },
    "tekton-pipeline": {("tekton.dev", "Pipeline")},
}


@pytest.fixture(scope="session")
def bundled_dir() -> Path:
    root = bundled_crds_dir()
    assert root is not None, "scripts/bootstrap.sh builds .tools/crds (tool group validate)"
    return root


def _crds(path: Path) -> list[dict[str, Any]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # several MB of YAML
    return [d for d in yaml.load_all(path.read_text(encoding="utf-8"), Loader=loader) if d]


def test_each_project_ships_the_kinds_knstack_writes(bundled_dir: Path) -> None:
    for project, kinds in WRITTEN_KINDS.items():
        files = bundled_crd_files([project])
        assert files, project
        documents = [doc for path in files for doc in _crds(path)]
        # Raw upstream CRD files, ready for an API server: nothing else in them.
        assert {(d["apiVersion"], d["kind"]) for d in documents} == {
            ("apiextensions.k8s.io/v1", "CustomResourceDefinition")
        }
        defined = {(d["spec"]["group"], d["spec"]["names"]["kind"]) for d in documents}
        assert kinds <= defined, project


def test_sources_are_the_versions_pinned_in_go_mod(bundled_dir: Path, repo_root: Path) -> None:
    go_mod = (repo_root / "tools/crds/go.mod").read_text(encoding="utf-8")
    pinned = dict(re.findall(r"^\t(\S+) (v\S+)$", go_mod, re.MULTILINE))
    sources = bundled_sources()
    assert {s.project for s in sources} == set(WRITTEN_KINDS)
    assert {s.module: s.version for s in sources} == pinned
    assert pinned["sigs.k8s.io/gateway-api"] == "v1.6.3"
    assert pinned["knative.dev/serving"] == "v0.50.0"  # knative-v1.23.0


ONE_OF_EACH = """\
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: coffee, namespace: shop}
spec:
  scaleTargetRef: {name: coffee-00001-deployment}
  triggers: [{type: cpu, metricType: Utilization, metadata: {value: "70"}}]
---
apiVersion: http.keda.sh/v1alpha1
kind: HTTPScaledObject
metadata: {name: tea, namespace: shop}
spec:
  hosts: [tea.shop.example.com]
  scaleTargetRef: {name: tea-00001-deployment, service: tea-00001, port: 80}
  replicas: {min: 0, max: 3}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: menu, namespace: shop}
spec:
  hosts: [menu.shop.example.com]
  http: [{route: [{destination: {host: menu-00001}}]}]
---
apiVersion: tekton.dev/v1
kind: Pipeline
metadata: {name: knstack-promote}
spec:
  tasks: [{name: check, taskSpec: {steps: [{name: check, image: python:3.11, script: "true"}]}}]
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: hello, namespace: shop}
spec:
  template:
    spec:
      containers: [{image: registry.example.com/hello:1}]
"""


def test_custom_resources_are_checked_with_no_crds_given(
    tmp_path: Path, schema_cache: Path
) -> None:
    path = tmp_path / "objects.yaml"
    path.write_text(ONE_OF_EACH)
    options = SchemaOptions(cache_dir=schema_cache)
    report = validate_paths([path], options)
    assert [(r.label, r.errors, r.message) for r in report.failures] == []
    assert report.count("valid") == 5

    # The schemas are the real ones: a misspelt field is caught, with its path.
    path.write_text(ONE_OF_EACH.replace("containers:", "containerz:"))
    report = validate_paths([path], options)
    assert [r.kind for r in report.failures] == ["Service"]
    assert "spec.template.spec.containerz" in [e.field for e in report.failures[0].errors]


def test_given_and_input_crds_take_precedence_over_the_bundled_ones(
    tmp_path: Path, schema_cache: Path
) -> None:
    """A CRD in the input (or given with --crds) defines its kind, silently: here an open
    Knative Service CRD lets a field through that the bundled release CRD rejects."""
    service = yaml.safe_load(ONE_OF_EACH.split("---\n")[-1])
    service["spec"]["template"]["spec"]["extra"] = True
    open_crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "services.serving.knative.dev"},
        "spec": {
            "group": "serving.knative.dev",
            "names": {"kind": "Service", "plural": "services"},
            "scope": "Namespaced",
            "versions": [
                {
                    "name": "v1",
                    "served": True,
                    "storage": True,
                    "schema": {
                        "openAPIV3Schema": {
                            "type": "object",
                            "x-kubernetes-preserve-unknown-fields": True,
                        }
                    },
                }
            ],
        },
    }
    alone, together = tmp_path / "alone", tmp_path / "together"
    alone.mkdir()
    together.mkdir()
    (alone / "service.yaml").write_text(dump_yaml_stream([service]))
    (together / "all.yaml").write_text(dump_yaml_stream([open_crd, service]))
    options = SchemaOptions(cache_dir=schema_cache)

    assert [r.kind for r in validate_paths([alone], options).failures] == ["Service"]
    with_input = validate_paths([together], options)
    assert with_input.ok and with_input.warnings == []
    given = validate_paths(
        [alone], SchemaOptions(crd_paths=(together,), cache_dir=options.cache_dir)
    )
    assert given.ok and given.warnings == []
    # The CRD in a file of its own, as a knative render writes it: the Service's file is
    # checked again with it, and each object is reported once.
    apart = tmp_path / "apart"
    apart.mkdir()
    (apart / "00_crd.yaml").write_text(dump_yaml_stream([open_crd]))
    (apart / "10_service.yaml").write_text(dump_yaml_stream([service]))
    (apart / "20_configmap.yaml").write_text(
        dump_yaml_stream([{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}}])
    )
    beside = validate_paths([apart], options)
    assert beside.ok and beside.warnings == []
    assert sorted((r.kind, r.status) for r in beside.results) == [
        ("ConfigMap", "valid"),
        ("CustomResourceDefinition", "valid"),
        ("Service", "valid"),
    ]


def test_cli_validates_an_example_render_with_no_flags(
    example_project: Path,
    tmp_path: Path,
    schema_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.delenv("KNSTACK_CRDS", raising=False)
    monkeypatch.setenv("KNSTACK_CACHE_DIR", str(schema_cache))
    out_dir = tmp_path / "out"
    assert (
        main(["render", "--stack", "prod", "-C", str(example_project), "--out", str(out_dir)]) == 0
    )
    capsys.readouterr()
    assert main(["validate", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"✓ \d+ objects in .*: \d+ valid, 0 invalid, 0 not checked, 2 skipped", out)
