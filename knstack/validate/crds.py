"""CRD files -> a directory of JSON Schemas in the layout kubeconform looks up.

Sources are CRD files or directories the user names (`--crds`, `KNSTACK_CRDS`), files
downloaded from pinned releases (crd_download.py), and CRDs that are part of the input
itself (the knative backend renders Knative's CRDs next to the objects that use them).
Schemas are written as `<group>/<kind>_<version>.json` (the full API group, so Istio's
`networking.istio.io` Gateway and Gateway API's Gateway never share a file) into a cache
directory keyed by the sources' content.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knstack.errors import InputError, Problem
from knstack.validate.cache import cache_root, materialise
from knstack.validate.crd_schema import OBJECT_META_DEF, convert_crd_version
from knstack.validate.kubernetes_schemas import KubernetesSchemas, definitions_closure
from knstack.yamlio import load_yaml_all

CRD_KIND = "CustomResourceDefinition"
CRD_API_VERSION = "apiextensions.k8s.io/v1"
LOCATION_TEMPLATE = "{{ .Group }}/{{ .ResourceKind }}_{{ .ResourceAPIVersion }}.json"
CONVERTER_VERSION = "2"  # bump when crd_schema.py (or the warnings here) change what it writes
_INDEX = "index.json"
_YAML_SUFFIXES = (".yaml", ".yml", ".json")


class _CrdLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """SafeLoader that reads a bare `=` as a string (it appears in some CRDs' enums)."""


_CrdLoader.add_constructor(
    "tag:yaml.org,2002:value", lambda loader, node: loader.construct_scalar(node)
)


@dataclass(frozen=True)
class CrdSource:
    """YAML text that may hold CRDs, and the name messages use for it."""

    name: str
    text: str


@dataclass
class CrdSchemas:
    """A ready directory of CRD schemas and what is in it."""

    root: Path
    kinds: list[str] = field(default_factory=list)  # "group/version Kind"
    warnings: list[str] = field(default_factory=list)

    @property
    def location(self) -> str:
        return f"{self.root}/{LOCATION_TEMPLATE}"


def crd_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML/JSON files under `paths` (files as given, directories searched), in order."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            found = _yaml_files_under(str(path))
            found.sort(key=lambda name: name.split(os.sep))  # Path order, without the Paths
            files += map(Path, found)
        else:
            problems.append(Problem("CRD path does not exist", file=str(path)))
    if problems:
        raise InputError(problems)
    return files


def _yaml_files_under(directory: str) -> list[str]:
    """Files (or links to files) with a YAML/JSON suffix, in directories not reached
    through a link: what `Path.rglob("*")` and `is_file()` select, with one `scandir` per
    directory instead of a `stat` per file (a render directory holds one file per object)."""
    found: list[str] = []
    pending = [directory]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
                elif os.path.splitext(entry.name)[1].lower() in _YAML_SUFFIXES and entry.is_file():
                    found.append(entry.path)
    return found


def sources_from_files(files: Iterable[Path | str]) -> list[CrdSource]:
    """The files that mention CustomResourceDefinition (others are skipped unparsed); names
    as given (kubeconform's results name files as strings)."""
    sources = []
    for file in files:
        path = str(file)
        try:
            text = _read_text(path)
        except (OSError, UnicodeDecodeError) as err:
            raise InputError(Problem(f"cannot read CRD file: {err}", file=path)) from None
        if CRD_KIND in text:
            sources.append(CrdSource(path, text))
    return sources


def _read_text(path: str) -> str:
    """A UTF-8 file's text with newlines as `Path.read_text` gives them, in the few system
    calls a directory of thousands of small files needs."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    finally:
        os.close(fd)
    text = b"".join(chunks).decode("utf-8")
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def sources_from_manifests(manifests: Iterable[dict[str, Any]], name: str) -> list[CrdSource]:
    """CRDs among rendered manifests (JSON is YAML, and dumps fast)."""
    crds = [m for m in manifests if m.get("kind") == CRD_KIND]
    return (
        [CrdSource(name, "\n---\n".join(json.dumps(c, sort_keys=True) for c in crds))]
        if crds
        else []
    )


def crd_schemas(
    sources: Sequence[CrdSource], kubernetes: KubernetesSchemas, cache_dir: Path | None = None
) -> CrdSchemas:
    """Convert every served version of every CRD in `sources` (cached by content)."""
    digest = hashlib.sha256()
    for part in (CONVERTER_VERSION, str(kubernetes.root)):
        digest.update(part.encode() + b"\0")
    for source in sources:
        digest.update(hashlib.sha256(source.text.encode()).digest())
    root = (cache_dir or cache_root()) / "crd-schemas" / digest.hexdigest()[:24]

    def build(staged: Path) -> None:
        converted = convert_sources(sources, kubernetes)
        for relative, schema in converted.schemas.items():
            path = staged / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(schema, separators=(",", ":")), encoding="utf-8")
        index = {"kinds": sorted(converted.labels.values()), "warnings": converted.warnings}
        (staged / _INDEX).write_text(json.dumps(index, indent=1), encoding="utf-8")

    materialise(root, build)
    index = json.loads((root / _INDEX).read_text(encoding="utf-8"))
    return CrdSchemas(root=root, kinds=index["kinds"], warnings=index["warnings"])


@dataclass
class ConvertedCrds:
    schemas: dict[str, dict[str, Any]] = field(
        default_factory=dict
    )  # by "<group>/<kind>_<version>.json"
    labels: dict[str, str] = field(default_factory=dict)  # same keys: "group/version Kind"
    origin: dict[str, str] = field(default_factory=dict)  # same keys: the source's name
    warnings: list[str] = field(default_factory=list)


def convert_sources(sources: Sequence[CrdSource], kubernetes: KubernetesSchemas) -> ConvertedCrds:
    """Every served version of every CRD in `sources`; the first definition of a kind wins."""
    object_meta = definitions_closure(kubernetes.definitions(), OBJECT_META_DEF)
    out = ConvertedCrds()
    problems: list[Problem] = []
    differing: dict[str, list[tuple[str, str]]] = {}  # later source -> (kind label, first source)
    for source in sources:
        for crd in _crd_documents(source, problems):
            spec = crd.get("spec") or {}
            group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
            name = (crd.get("metadata") or {}).get("name", "(unnamed)")
            crd_label = f"{CRD_KIND} {name}"
            if not isinstance(group, str) or not isinstance(kind, str):
                problems.append(
                    Problem(
                        "a CRD needs spec.group and spec.names.kind",
                        file=source.name,
                        obj=crd_label,
                    )
                )
                continue
            for index, version in enumerate(spec.get("versions") or []):
                if not version.get("served", True):
                    continue
                openapi = (version.get("schema") or {}).get("openAPIV3Schema")
                if not isinstance(openapi, dict):
                    problems.append(
                        Problem(
                            "has no openAPIV3Schema",
                            file=source.name,
                            obj=crd_label,
                            field=f"spec.versions[{index}].schema",
                        )
                    )
                    continue
                relative = f"{group}/{kind.lower()}_{version['name']}.json"
                label = f"{group}/{version['name']} {kind}"
                schema = convert_crd_version(
                    openapi,
                    group=group,
                    version=version["name"],
                    kind=kind,
                    object_meta_defs=object_meta,
                )
                if relative in out.schemas:
                    if _for_validation(out.schemas[relative]) != _for_validation(schema):
                        differing.setdefault(source.name, []).append((label, out.origin[relative]))
                    continue
                out.schemas[relative] = schema
                out.labels[relative] = label
                out.origin[relative] = source.name
    if problems:
        raise InputError(problems)
    out.warnings += [_differing_warning(later, found) for later, found in differing.items()]
    return out


def _differing_warning(later: str, found: list[tuple[str, str]]) -> str:
    """One line per source whose CRDs lost to earlier, different definitions."""
    firsts = sorted({first for _, first in found})
    where = firsts[0] if len(firsts) == 1 else os.path.commonpath(firsts) or ", ".join(firsts)
    labels = ", ".join(label for label, _ in found[:3])
    if len(found) > 3:
        kinds = [label.rsplit(" ", 1)[-1] for label, _ in found]
        labels = f"{len(found)} CRDs ({', '.join(kinds[:3])} and {len(found) - 3} more)"
    return f"{labels}: defined differently in {where} and {later}; using {where}"


def _for_validation(node: Any) -> Any:
    """A schema without its descriptions: two CRDs that differ only in prose check the same."""
    if isinstance(node, dict):
        return {k: _for_validation(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_for_validation(v) for v in node]
    return node


def _crd_documents(source: CrdSource, problems: list[Problem]) -> list[dict[str, Any]]:
    try:
        documents = load_yaml_all(source.text, source.name, _CrdLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{source.name}:{mark.line + 1}" if mark else source.name
        problems.append(
            Problem(f"invalid YAML: {getattr(err, 'problem', None) or err}", file=where)
        )
        return []
    found: list[dict[str, Any]] = []
    for doc in documents:
        if not isinstance(doc, dict):
            continue
        items = doc.get("items") if doc.get("kind") == "List" else [doc]
        for item in items or []:
            if not isinstance(item, dict) or item.get("kind") != CRD_KIND:
                continue
            if item.get("apiVersion") != CRD_API_VERSION:
                name = (item.get("metadata") or {}).get("name", "(unnamed)")
                problems.append(
                    Problem(
                        f"{item.get('apiVersion')!r} CRDs are not supported: use {CRD_API_VERSION}",
                        file=source.name,
                        obj=f"{CRD_KIND} {name}",
                        field="apiVersion",
                    )
                )
                continue
            found.append(item)
    return found
