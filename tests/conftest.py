"""Shared fixtures: where the repository, the shared reference data and the example live."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = (REPO.parent / "shared").resolve()
CORPUS = SHARED / "corpus" / "knative-docs-samples"
UPSTREAM = SHARED / "upstream"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    assert SHARED.is_dir(), f"the shared reference data is expected at {SHARED}"
    return SHARED


@pytest.fixture(scope="session")
def corpus_files() -> list[Path]:
    files = sorted(CORPUS.glob("*.yaml"))
    assert files, f"no corpus samples found in {CORPUS}"
    return files


@pytest.fixture()
def example_project(tmp_path: Path) -> Path:
    """A private copy of the example project (Pulumi.yaml, components/, stacks/)."""
    target = tmp_path / "project"
    target.mkdir()
    shutil.copy2(REPO / "Pulumi.yaml", target / "Pulumi.yaml")
    shutil.copytree(
        REPO / "components", target / "components", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copytree(REPO / "stacks", target / "stacks")
    return target


KEDA_HTTP_ADD_ON = "      kedaHttpAddOn:\n        enabled: true\n"


def without_keda_http_add_on(project: Path, env: str) -> None:
    """Take the KEDA HTTP add-on off every cluster of an example stack (in a copy): the
    Ingress gateways refuse revisions it scales, and without it KPA revisions warn."""
    stack = project / "stacks" / f"Pulumi.{env}.yaml"
    text = stack.read_text()
    assert KEDA_HTTP_ADD_ON in text, f"{stack}: no cluster declares the add-on"
    stack.write_text(text.replace(KEDA_HTTP_ADD_ON, ""))
