"""Deterministic, atomic writing of an environment's manifests: `DIR/<env>/<cluster>/`.

The whole environment directory is built next to the target and swapped in at once, so
an interrupted render leaves the previous output exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from knstack import limits
from knstack.build import EnvironmentBuild
from knstack.errors import InputError, Problem
from knstack.fsutil import (
    new_file,
    remove_stale_staging,
    replace_directory,
    staging_directory,
    write_new_file,
)
from knstack.render.layout import file_name
from knstack.yamlio import dump_json, dump_yaml, yaml_stream_part

Format = Literal["yaml", "json"]
# object: a file per object (diffs name the object that changed); cluster: a file per
# cluster, for environments whose tens of thousands of files would slow git and GitOps.
Layout = Literal["object", "cluster"]
KUSTOMIZATION = "kustomization.yaml"
CLUSTER_FILE = "manifests"  # the cluster layout's file: manifests.yaml (or .json)


def serialise(manifest: dict[str, Any], fmt: Format) -> str:
    return dump_yaml(manifest) if fmt == "yaml" else dump_json(manifest)


def file_plan(
    build: EnvironmentBuild, fmt: Format = "yaml", layout: Layout = "object"
) -> list[tuple[str, Any]]:
    """Every file of the environment's output in path order: (path relative to
    `DIR/<env>/`, the manifest or manifests it holds)."""
    entries: list[tuple[str, Any]] = []
    for cluster in build.clusters:
        if layout == "cluster":
            name = f"{CLUSTER_FILE}.{fmt}"
            entries.append((f"{cluster.name}/{name}", _Stream(cluster.manifests)))
            names = [name]
        else:
            names = []
            for manifest in cluster.manifests:  # ordered by knstack.build
                name = file_name(manifest, fmt)
                entries.append((f"{cluster.name}/{name}", manifest))
                names.append(name)
        # Lets Argo CD, Flux and `kubectl apply -k` take the directory as one unit.
        entries.append((f"{cluster.name}/{KUSTOMIZATION}", _Kustomization(names)))
    entries.sort(key=lambda entry: entry[0])
    return entries


class _Kustomization(list[str]):
    """The file names a directory's kustomization.yaml lists (YAML in either format:
    kustomize reads only that name)."""

    def manifest(self) -> dict[str, Any]:
        return {
            "apiVersion": "kustomize.config.k8s.io/v1beta1",
            "kind": "Kustomization",
            "resources": sorted(self),
        }


class _Stream(list[dict[str, Any]]):
    """A cluster's manifests in one file, as `stream` writes them."""


def _text(content: Any, fmt: Format) -> str:
    if isinstance(content, _Kustomization):
        return dump_yaml(content.manifest())
    if isinstance(content, _Stream):
        return "".join(_stream_pieces(content, fmt))
    return serialise(content, fmt)


def _output_what(build: EnvironmentBuild) -> str:
    return f"the rendered output of environment {build.environment} (characters)"


def rendered_files(
    build: EnvironmentBuild, fmt: Format = "yaml", layout: Layout = "object"
) -> dict[str, str]:
    """Every file of the environment's output (path relative to `DIR/<env>/`: text)."""
    plan = file_plan(build, fmt, layout)
    files = {relative: _text(content, fmt) for relative, content in plan}
    limits.check(
        "output_bytes",
        sum(len(text) for text in files.values()),
        file=None,
        what=_output_what(build),
    )
    return files


def write_environment(
    build: EnvironmentBuild,
    out_dir: Path,
    fmt: Format = "yaml",
    progress: Callable[[Iterable[tuple[str, Any]]], Iterable[tuple[str, Any]]] | None = None,
    layout: Layout = "object",
) -> Path:
    """Write `out_dir/<env>/` atomically; returns that directory.

    Each file is serialised and written in turn (no render holds all its texts at once);
    a render that passes the output limit stops there and leaves nothing behind: the
    staging directory goes, and `out_dir` too when this render created it.
    """
    target = out_dir / build.environment
    _check_replaceable(target)
    created = not out_dir.exists()
    entries: Iterable[tuple[str, Any]] = file_plan(build, fmt, layout)
    if progress is not None:
        entries = progress(entries)
    remove_stale_staging(target)
    staged = staging_directory(target)
    try:
        _write_entries(entries, str(staged), fmt, _output_what(build))
        replace_directory(staged, target)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        if created:
            shutil.rmtree(out_dir, ignore_errors=True)
        raise
    return target


def _write_entries(entries: Iterable[tuple[str, Any]], staged: str, fmt: Format, what: str) -> None:
    written = limits.Tally("output_bytes", what=what)
    made: set[str] = set()
    for relative, content in entries:
        path = os.path.join(staged, relative)
        parent = os.path.dirname(path)
        if parent not in made:
            os.makedirs(parent, exist_ok=True)
            made.add(parent)
        if isinstance(content, _Stream):  # in chunks, never held whole (85 MiB at 10k)
            with new_file(path) as write:
                for chunk in _chunks(content, fmt):
                    written.add(len(chunk))
                    write(chunk.encode("utf-8"))
            continue
        text = _text(content, fmt)
        written.add(len(text))
        write_new_file(path, text.encode("utf-8"))


_CHUNK = 1 << 20  # characters per write of a cluster's stream


def _chunks(manifests: list[dict[str, Any]], fmt: Format) -> Iterator[str]:
    pending: list[str] = []
    size = 0
    for piece in _stream_pieces(manifests, fmt):
        pending.append(piece)
        size += len(piece)
        if size >= _CHUNK:
            yield "".join(pending)
            pending, size = [], 0
    if pending:
        yield "".join(pending)


def _check_replaceable(target: Path) -> None:
    """The environment directory is replaced whole; refuse, before writing anything, a
    path that is not a plain directory (a symbolic link would be swapped out, not followed)."""
    if target.is_symlink():
        raise InputError(
            Problem(
                "is a symbolic link: knstack replaces the environment directory as a whole and "
                "does not follow links; remove the link, or pass --out the directory it points into",
                file=str(target),
            )
        )
    if target.exists() and not target.is_dir():
        raise InputError(Problem("is not a directory", file=str(target)))


def stream(build: EnvironmentBuild, fmt: Format = "yaml") -> str:
    """All manifests of all clusters as one stream (for stdout)."""
    return "".join(stream_parts(build, fmt))


def stream_parts(build: EnvironmentBuild, fmt: Format = "yaml") -> list[str]:
    """`stream` in the pieces it is made of (a document each in YAML), checked against the
    output limit before any is written: stdout takes them one by one, so the whole text is
    never held twice (at 10,000 services it is 90 MB)."""
    parts = list(iter_stream_parts(build, fmt))
    limits.check("output_bytes", sum(len(part) for part in parts), file=None, what=STREAM_WHAT)
    return parts


STREAM_WHAT = "the rendered output (characters)"


def iter_stream_parts(build: EnvironmentBuild, fmt: Format = "yaml") -> Iterator[str]:
    """The pieces of `stream`, each made when asked for (the output limit is not checked)."""
    manifests: list[dict[str, Any]] = []
    for cluster in build.clusters:
        manifests += cluster.manifests
    return _stream_pieces(manifests, fmt)


def _stream_pieces(manifests: list[dict[str, Any]], fmt: Format) -> Iterator[str]:
    """Manifests as one stream: YAML documents, or in JSON one v1 List (kubectl reads both)."""
    if fmt == "json":
        yield dump_json({"apiVersion": "v1", "kind": "List", "items": manifests})
    else:
        yield from map(yaml_stream_part, manifests)
