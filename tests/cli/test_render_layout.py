"""`knstack render --layout cluster`: one manifests file per cluster, holding what the
object layout holds, in the same order; tried as a new user would."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from knstack import limits
from knstack.build import build_environment
from knstack.cli import main
from knstack.errors import InputError
from knstack.render import writer
from knstack.render.writer import rendered_files
from knstack.stack import find_project


def _documents(text: str) -> list[object]:
    return [doc for doc in yaml.safe_load_all(text) if doc is not None]


def test_a_cluster_file_holds_the_object_layout_objects_in_stream_order(
    example_project: Path,
) -> None:
    build = build_environment(find_project(example_project), "prod")
    assert len(build.clusters) == 2
    by_object = rendered_files(build)
    by_cluster = rendered_files(build, layout="cluster")
    assert sorted(by_cluster) == sorted(
        f"{c.name}/{f}" for c in build.clusters for f in ("kustomization.yaml", "manifests.yaml")
    )
    for cluster in build.clusters:
        kustomization = yaml.safe_load(by_cluster[f"{cluster.name}/kustomization.yaml"])
        assert kustomization["resources"] == ["manifests.yaml"]
        documents = _documents(by_cluster[f"{cluster.name}/manifests.yaml"])
        assert documents == cluster.manifests  # the build's order, as stdout has it
        one_each = [
            yaml.safe_load(text)
            for relative, text in by_object.items()
            if relative.startswith(f"{cluster.name}/") and "kustomization" not in relative
        ]
        assert sorted(map(_key, documents)) == sorted(map(_key, one_each))


def _key(document: object) -> str:
    return json.dumps(document, sort_keys=True)


def test_cluster_layout_in_json_is_a_list_per_cluster(example_project: Path) -> None:
    build = build_environment(find_project(example_project), "prod")
    files = rendered_files(build, "json", layout="cluster")
    for cluster in build.clusters:
        listed = json.loads(files[f"{cluster.name}/manifests.json"])
        assert listed["kind"] == "List" and listed["items"] == cluster.manifests
        assert "manifests.json" in files[f"{cluster.name}/kustomization.yaml"]


def test_a_layout_without_a_directory_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "service.yaml"
    source.write_text("apiVersion: serving.knative.dev/v1\nkind: Service\n")
    assert main(["render", "-f", str(source), "--layout", "cluster"]) == 2
    assert "--layout arranges files in a directory: give --out DIR too" in capsys.readouterr().err


@pytest.mark.parametrize("chunk", [1, 1000, 1 << 20])
def test_a_cluster_file_is_written_in_chunks_with_the_same_bytes(
    example_project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(writer, "_CHUNK", chunk)
    build = build_environment(find_project(example_project), "prod")
    target = writer.write_environment(build, tmp_path / "out", layout="cluster")
    on_disk = {p.relative_to(target).as_posix(): p.read_text() for p in target.rglob("*.yaml")}
    assert on_disk == rendered_files(build, layout="cluster")


def test_a_cluster_file_past_the_output_limit_leaves_nothing(
    example_project: Path, tmp_path: Path
) -> None:
    build = build_environment(find_project(example_project), "prod")
    whole = sum(map(len, rendered_files(build, layout="cluster").values()))
    limits.use(limits.Limits(output_bytes=whole // 2))
    try:
        with pytest.raises(InputError, match="--max-output-bytes"):
            writer.write_environment(build, tmp_path / "out", layout="cluster")
    finally:
        limits.use(limits.DEFAULT_LIMITS)
    assert not (tmp_path / "out").exists()
