"""knstack's direct YAML writer gives the same bytes as PyYAML for every manifest it writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from knstack.build import build_environment, build_files
from knstack.errors import InputError
from knstack.stack import find_project
from knstack.yamlemit import BlockWriter
from knstack.yamlio import dump_yaml, pyyaml_dump

# Characters that change how YAML quotes a string: indicators, spaces, quotes, digits, dots,
# escapes, non-ASCII and non-printable ones.
_TRICKY = "aZ09 .:-#&*!|>'\"%@`,?[]{}/=+_~\t\\\x00\x85é☕\U0001f600"
_words = st.sampled_from(
    [
        *("", "yes", "No", "TRUE", "off", "null", "~", "1", "0x1F", "1.0.0", "1e3", ".inf"),
        *("-", "? a", "2026-12-03", "12:30", "<<", "=", "a: b", "a #b", " a", "a ", "- a"),
        *("v1", "64Mi", "a:", "http://x", "a:b:"),
    ]
)
_strings = _words | st.text(alphabet=_TRICKY, max_size=12) | st.text(max_size=6)
_scalars = _strings | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
_data = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_strings, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=1000, deadline=None)
@given(_data)
def test_generated_data_is_written_exactly_as_pyyaml_writes_it(data: Any) -> None:
    assert BlockWriter(pyyaml_dump).document(data) == pyyaml_dump(data)


def test_multi_line_and_long_strings_are_left_to_pyyaml() -> None:
    data = {"data": {"config.yaml": "a: 1\nb: 2\n", "long": "x " * 3000}, "n": [1.5, {}]}
    assert dump_yaml(data) == pyyaml_dump(data)
    assert "|" in dump_yaml(data)


def _every_example_manifest(project_root: Path) -> list[dict[str, Any]]:
    project = find_project(project_root)
    manifests: list[dict[str, Any]] = []
    for environment in ("test", "staging", "prod", "lab"):
        for backend in ("kubernetes", "knative"):
            for gateway in (None, "gateway-api", "istio", "nginx", "alb"):
                try:
                    build = build_environment(
                        project, environment, backend=backend, gateway=gateway
                    )
                except InputError:
                    continue  # combinations an environment refuses (tests/gateways)
                manifests += [m for c in build.clusters for m in c.manifests]
    return manifests


def test_every_example_environment_backend_and_gateway_writes_as_pyyaml(
    example_project: Path,
) -> None:
    manifests = _every_example_manifest(example_project)
    assert len(manifests) > 500
    for manifest in manifests:
        assert dump_yaml(manifest) == pyyaml_dump(manifest), manifest["metadata"]


def test_every_corpus_sample_writes_as_pyyaml(corpus_files: list[Path]) -> None:
    checked = 0
    for path in corpus_files:
        try:
            build = build_files([path])
        except InputError:
            continue  # the corpus holds samples knstack refuses (tests/core/test_corpus.py)
        for cluster in build.clusters:
            for manifest in cluster.manifests:
                assert dump_yaml(manifest) == pyyaml_dump(manifest), (path.name, manifest)
                checked += 1
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            assert dump_yaml(document) == pyyaml_dump(document), path.name
    assert checked > 100


@pytest.mark.parametrize("shape", ["three", "canary"])
def test_the_benchmark_input_writes_as_pyyaml(tmp_path: Path, shape: str) -> None:
    from knstack.synthetic import ENVIRONMENT, write_synthetic_project

    root = write_synthetic_project(tmp_path / "project", 20, shape)  # type: ignore[arg-type]
    build = build_environment(find_project(root), ENVIRONMENT)
    for manifest in (m for c in build.clusters for m in c.manifests):
        assert dump_yaml(manifest) == pyyaml_dump(manifest)
