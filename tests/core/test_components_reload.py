"""Python components edited within one process are read again (a promotion's gates, a
long-running test): the build never uses a stale import of `components/`."""

from __future__ import annotations

from pathlib import Path

from knstack.build import build_environment
from knstack.stack import read_project


def images(project: Path) -> set[str]:
    [cluster] = build_environment(read_project(project), "test").clusters
    return {
        c["image"]
        for o in cluster.manifests
        if o["kind"] == "Deployment"
        for c in o["spec"]["template"]["spec"]["containers"]
    }


def test_an_edited_components_module_is_imported_again(example_project: Path) -> None:
    before = images(example_project)
    coffee = example_project / "components" / "coffee.py"
    text = coffee.read_text()
    new_image = "registry.example.com/coffee-shop/coffee:9.9.9@sha256:" + "ab" * 32
    old = '"registry.example.com/coffee-shop/coffee:1.1.0"\n    "@sha256:e01ec8a785a28b2216e9e101b8706dbf8267d654dea5b4be8813f1873775a79a"'
    assert old in text
    coffee.write_text(text.replace(old, f'"{new_image}"'))
    after = images(example_project)
    assert new_image in after and new_image not in before
    assert images(example_project) == after  # unchanged sources: the cached import is reused
