"""Every Knative Service sample from the Knative docs loads unchanged and renders."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knstack.api.loader import load_file
from knstack.build import build_files
from knstack.render import stream
from tests.conftest import CORPUS

SAMPLES = sorted(CORPUS.glob("*.yaml"))


def test_the_corpus_is_there() -> None:
    assert len(SAMPLES) >= 30


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_sample_loads_and_renders_under_the_kubernetes_backend(sample: Path) -> None:
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
