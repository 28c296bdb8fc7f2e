"""Fixtures for promotion tests: the example project copy, the real kubeconform with the
upstream CRDs (the validate gate runs for real), and readers for stack files and the
traffic the rendered manifests carry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from knstack.cli import main
from knstack.validate.kubeconform import ToolMissing, find_kubeconform


@pytest.fixture(scope="session")
def kubeconform_binary() -> Path:
    try:
        return find_kubeconform()
    except ToolMissing as err:
        pytest.fail(f"{err} (the validate gate runs the real kubeconform)")


@pytest.fixture(scope="session")
def schema_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("schema-cache")


@pytest.fixture()
def gate_env(
    monkeypatch: pytest.MonkeyPatch, shared_dir: Path, schema_cache: Path, kubeconform_binary: Path
) -> dict[str, str]:
    """What a pipeline gives knstack for the validate gate: the CRDs and a schema cache."""
    env = {
        "KNSTACK_CRDS": str(shared_dir / "upstream"),
        "KNSTACK_CACHE_DIR": str(schema_cache),
        "KNSTACK_ACTOR": "scenario-test",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


Knstack = Callable[..., tuple[int, str, str]]


@pytest.fixture()
def knstack(
    example_project: Path, gate_env: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> Knstack:
    """Run the CLI in-process on the example copy: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main([*args, "-C", str(example_project)])
        out, err = capsys.readouterr()
        return code, out, err

    return run
