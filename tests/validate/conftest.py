"""Fixtures for schema validation: the real kubeconform, a private schema cache, the CRDs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from knstack.validate import SchemaOptions, ValidationReport, validate_paths
from knstack.validate.kubeconform import ToolMissing, find_kubeconform
from knstack.yamlio import dump_yaml_stream


@pytest.fixture(scope="session")
def kubeconform_binary() -> Path:
    """The kubeconform the CLI would run; tests run it for real, so it must be there."""
    try:
        return find_kubeconform()
    except ToolMissing as err:
        pytest.fail(f"{err} (tests run the real kubeconform)")


@pytest.fixture(scope="session")
def schema_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache per test session, so tests neither read nor fill the user's cache."""
    return tmp_path_factory.mktemp("schema-cache")


@pytest.fixture(scope="session")
def upstream_crds(shared_dir: Path) -> Path:
    return shared_dir / "upstream"


@pytest.fixture(scope="session")
def schema_options(
    schema_cache: Path, upstream_crds: Path, kubeconform_binary: Path
) -> SchemaOptions:
    return SchemaOptions(crd_paths=(upstream_crds,), cache_dir=schema_cache)


@pytest.fixture()
def cli_env(
    monkeypatch: pytest.MonkeyPatch,
    schema_cache: Path,
    upstream_crds: Path,
    kubeconform_binary: Path,
) -> None:
    """The environment a CI job would give `knstack validate`: a cache and the CRDs."""
    monkeypatch.setenv("KNSTACK_CACHE_DIR", str(schema_cache))
    monkeypatch.setenv("KNSTACK_CRDS", str(upstream_crds))


@pytest.fixture()
def check_manifests(
    tmp_path: Path, schema_options: SchemaOptions
) -> Callable[[Sequence[dict[str, Any]]], ValidationReport]:
    """Write manifests to a file and validate it as `knstack validate FILE` does."""
    counter = iter(range(1_000_000))

    def check(manifests: Sequence[dict[str, Any]]) -> ValidationReport:
        path = tmp_path / f"manifests-{next(counter)}.yaml"
        path.write_text(dump_yaml_stream(manifests), encoding="utf-8")
        return validate_paths([path], schema_options)

    return check
