"""Every Knative Service sample from the Knative docs loads unchanged and renders, once its
placeholder image is filled in; with the placeholder, knstack refuses it as Knative does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knstack.api.loader import load_file
from knstack.build import build_files
from knstack.errors import InputError
from knstack.render import stream
from tests.conftest import CORPUS, DOCS_PLACEHOLDERS, filled_in_corpus

SAMPLES = sorted(CORPUS.glob("*.yaml"))


def test_the_corpus_is_there() -> None:
    assert len(SAMPLES) >= 30


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return {p.name: p for p in filled_in_corpus(tmp_path_factory.mktemp("corpus"))}


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_loads_and_renders_under_the_kubernetes_backend(
    sample: Path, filled: dict[str, Path]
) -> None:
    sample = filled[sample.name]
    documents = [d for d in yaml.safe_load_all(sample.read_text()) if d]
    loaded = load_file(sample)
    assert len(loaded) == len(documents)
    # Loading changes nothing: the model writes back what the file says.
    for doc, obj in zip(documents, loaded, strict=True):
        assert obj.obj.to_dict() == doc

    build = build_files([sample])
    manifests = build.clusters[0].manifests
    services = {
        (d["metadata"].get("namespace", "default"), d["metadata"]["name"]) for d in documents
    }
    for namespace, name in services:
        routed = [
            m
            for m in manifests
            if m["kind"] == "Deployment"
            and m["metadata"]["labels"]["serving.knative.dev/service"] == name
        ]
        assert routed, f"{name} has no Deployment"
        assert all(m["metadata"]["namespace"] == namespace for m in routed)
    assert yaml.safe_load_all(stream(build))


PLACEHOLDER_SAMPLES = [
    p for p in SAMPLES if any(h in p.read_text(encoding="utf-8") for h in DOCS_PLACEHOLDERS)
]


@pytest.mark.parametrize("sample", PLACEHOLDER_SAMPLES, ids=[p.stem for p in PLACEHOLDER_SAMPLES])
def test_a_placeholder_image_is_refused_naming_the_field(sample: Path) -> None:
    with pytest.raises(InputError) as err:
        load_file(sample)
    problems = err.value.problems
    assert problems and all(
        p.message.startswith("Failed to parse image reference") for p in problems
    )
    assert all(p.field and p.field.endswith(".image") for p in problems)


def test_most_samples_carry_a_placeholder() -> None:
    assert len(PLACEHOLDER_SAMPLES) >= 25
