"""Kubernetes schemas from the pinned package, laid out for kubeconform, offline."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from knstack.errors import InputError
from knstack.validate.cache import materialise
from knstack.validate.kubernetes_schemas import (
    kubernetes_schemas,
    schema_version_for,
    supported_versions,
)


def test_the_default_version_is_shipped() -> None:
    from knstack.stack import StackSettings

    assert StackSettings().kubernetes_version in supported_versions()


@pytest.mark.parametrize(
    ("requested", "used"),
    [("1.33.0", "1.33.0"), ("1.33.4", "1.33.0"), ("v1.30", "1.30.0"), (" 1.34.2 ", "1.34.0")],
)
def test_patch_releases_use_their_minor_schemas(requested: str, used: str) -> None:
    assert schema_version_for(requested) == used


@pytest.mark.parametrize("requested", ["1.12.0", "latest", "2.0"])
def test_unknown_versions_name_the_setting(requested: str) -> None:
    with pytest.raises(InputError) as caught:
        schema_version_for(
            requested, file="stacks/Pulumi.test.yaml", field='config."knstack:kubernetesVersion"'
        )
    problem = caught.value.problems[0]
    assert (
        problem.file == "stacks/Pulumi.test.yaml"
        and problem.field == 'config."knstack:kubernetesVersion"'
    )
    assert repr(requested) in problem.message and "1.33.0" in problem.message


def test_schemas_resolve_locally(schema_cache: Path) -> None:
    schemas = kubernetes_schemas("1.33.0", schema_cache)
    deployment = (schemas.directory / "deployment-apps-v1.json").read_text()
    assert "kubernetes.io/api" not in deployment and '"/api/_definitions.json' not in deployment
    assert '"_definitions.json#/$defs/io.k8s.api.apps.v1.DeploymentSpec"' in deployment
    assert "$id" not in json.loads(deployment)
    assert (schemas.directory / "_definitions.json").is_file()
    assert schemas.location.endswith(
        "{{ .NormalizedKubernetesVersion }}{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
    )


def test_generation_is_deterministic(tmp_path: Path) -> None:
    def digest(root: Path) -> str:
        sha = hashlib.sha256()
        for path in sorted(root.rglob("*.json")):
            sha.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
        return sha.hexdigest()

    first = kubernetes_schemas("1.32.0", tmp_path / "a")
    second = kubernetes_schemas("1.32.0", tmp_path / "b")
    assert digest(first.directory) == digest(second.directory)


def test_a_complete_cache_entry_is_reused_and_a_failed_build_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    calls = []

    def build(staged: Path) -> None:
        calls.append(staged)
        (staged / "file").write_text("x")

    assert materialise(target, build) == target
    assert materialise(target, build) == target
    assert len(calls) == 1 and (target / "file").read_text() == "x"

    def broken(staged: Path) -> None:
        (staged / "half").write_text("x")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        materialise(tmp_path / "other", broken)
    assert not (tmp_path / "other").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["entry"]


def test_package_version_is_the_installed_distributions() -> None:
    # Read from the dist-info directory's name (fast); it must agree with the metadata index.
    import importlib.metadata

    from knstack.validate.kubernetes_schemas import SCHEMA_PACKAGE, package_version

    assert package_version() == importlib.metadata.version(SCHEMA_PACKAGE)
