"""Shared fixtures: where the repository, the shared reference data and the example live."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = (REPO.parent / "shared").resolve()
CORPUS = SHARED / "corpus" / "knative-docs-samples"
UPSTREAM = SHARED / "upstream"

# The docs samples name images a reader replaces ({username}, <image>); Knative's webhook
# refuses them as they are ("Failed to parse image reference"), and so does knstack.
DOCS_PLACEHOLDERS = {
    "{username}": "example",
    "{DOCKER_HUB_USERNAME}": "example",
    "<registry/repository/image:tag>": "registry.example.com/app:1",
    "<image>": "registry.example.com/app:1",
}


def filled_in(text: str) -> str:
    """A corpus sample with its placeholder images replaced, as the docs ask a reader to."""
    for placeholder, value in DOCS_PLACEHOLDERS.items():
        text = text.replace(placeholder, value)
    return text


def filled_in_corpus(target: Path) -> list[Path]:
    """Every corpus sample, filled in, written under `target` with its own file name."""
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for sample in sorted(CORPUS.glob("*.yaml")):
        path = target / sample.name
        path.write_text(filled_in(sample.read_text(encoding="utf-8")), encoding="utf-8")
        paths.append(path)
    return paths


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    assert SHARED.is_dir(), f"the shared reference data is expected at {SHARED}"
    return SHARED


@pytest.fixture(scope="session")
def corpus_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The docs samples with their placeholder images filled in (see `filled_in`)."""
    files = filled_in_corpus(tmp_path_factory.mktemp("corpus"))
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
