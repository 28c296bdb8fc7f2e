"""Build one cluster's manifests from Knative YAML and stack settings (a test helper).

Runs the real pipeline (`knstack.build.build_objects`): loader, resolver with a fresh
ledger (successive documents of one Service are its revision history), expansion.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from knstack.api.loader import load_files
from knstack.build import ClusterBuild, build_objects
from knstack.ledger import RevisionLedger
from knstack.stack.settings import StackSettings

Manifest = dict[str, Any]


def build_clusters(
    tmp_path: Path, knative_yaml: str, settings: dict[str, Any] | None = None
) -> list[ClusterBuild]:
    """Each cluster's build for the given objects and `knstack:` settings (camelCase)."""
    stack = StackSettings.model_validate(settings or {})
    path = tmp_path / "objects.yaml"
    path.write_text(knative_yaml, encoding="utf-8")
    objects = load_files([path], stack.serving_context(), stack.namespace)
    return build_objects(objects, "test", stack, RevisionLedger(environment="test")).clusters


def build_cluster(
    tmp_path: Path, knative_yaml: str, settings: dict[str, Any] | None = None
) -> ClusterBuild:
    """The (first) cluster's build."""
    return build_clusters(tmp_path, knative_yaml, settings)[0]


def index(manifests: list[Manifest]) -> dict[tuple[str, str], Manifest]:
    """Manifests by (kind, name); the tests use one namespace, so that is unique."""
    out: dict[tuple[str, str], Manifest] = {}
    for manifest in manifests:
        key = (manifest["kind"], manifest["metadata"]["name"])
        assert key not in out, f"two objects named {key}"
        out[key] = manifest
    return out


def of_kind(manifests: list[Manifest], *kinds: str) -> dict[str, Manifest]:
    return {m["metadata"]["name"]: m for m in manifests if m["kind"] in kinds}


def service_yaml(
    name: str,
    versions: list[dict[str, Any]],
    *,
    namespace: str = "demo",
    traffic: str = "",
    labels: str = "",
) -> str:
    """Successive versions of one Knative Service (its revision history); each version
    gives `image` and optionally `annotations` (template), `cc` (containerConcurrency)
    and `port` (a containerPort line, e.g. `{name: h2c, containerPort: 9000}`)."""
    docs = []
    for i, version in enumerate(versions):
        annotations = version.get("annotations") or {}
        meta = ""
        if annotations:
            lines = "".join(f'        {k}: "{v}"\n' for k, v in annotations.items())
            meta = f"    metadata:\n      annotations:\n{lines}"
        cc = f"      containerConcurrency: {version['cc']}\n" if "cc" in version else ""
        port = f"          ports:\n            - {version['port']}\n" if "port" in version else ""
        last = i == len(versions) - 1
        docs.append(
            "apiVersion: serving.knative.dev/v1\n"
            "kind: Service\n"
            f"metadata:\n  name: {name}\n  namespace: {namespace}\n{labels}"
            "spec:\n  template:\n"
            f"{meta}"
            f"    spec:\n{cc}      containers:\n        - image: {version['image']}\n{port}"
            + (traffic if last else "")
        )
    return "---\n".join(docs)


THREE_WAY_TRAFFIC = """\
  traffic:
    - revisionName: shop-00001
      percent: 50
    - revisionName: shop-00002
      percent: 30
      tag: blue
    - latestRevision: true
      percent: 20
      tag: green
"""
TWO_WAY_TRAFFIC = """\
  traffic:
    - revisionName: shop-00001
      percent: 70
      tag: stable
    - latestRevision: true
      percent: 30
      tag: candidate
"""
IMAGES = [f"registry.example.com/demo/shop:1.{i}.0" for i in range(3)]


def shop(traffic: str, revisions: int = 3, annotations: dict[str, str] | None = None) -> str:
    """The `shop` Service with `revisions` versions and the given traffic block."""
    versions = [{"image": IMAGES[i], "annotations": annotations} for i in range(revisions)]
    return service_yaml("shop", versions, traffic=traffic)


def revision_labels(revision: str, service: str = "shop", generation: int = 1) -> dict[str, str]:
    """The labels Knative gives a revision's workload objects (knative/serving pkg/reconciler/revision/resources/meta.go)."""
    return {
        "app": revision,
        "serving.knative.dev/configuration": service,
        "serving.knative.dev/configurationGeneration": str(generation),
        "serving.knative.dev/revision": revision,
        "serving.knative.dev/service": service,
    }
