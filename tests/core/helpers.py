"""Small helpers shared by the core tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from knstack.build import EnvironmentBuild, build_files


def build_yaml(tmp_path: Path, text: str, **overrides: str) -> EnvironmentBuild:
    path = tmp_path / "input.yaml"
    path.write_text(text, encoding="utf-8")
    return build_files([path], **overrides)


def manifests_by_key(build: EnvironmentBuild) -> dict[tuple[str, str], dict[str, Any]]:
    """(kind, name) -> manifest for the single cluster of a `-f` build."""
    (cluster,) = build.clusters
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for manifest in cluster.manifests:
        key = (manifest["kind"], manifest["metadata"]["name"])
        assert key not in out, f"duplicate {key}"
        out[key] = manifest
    return out
