"""Kubernetes' own JSON Schemas, per version, from the pinned `kubernetes-validate` package.

The package ships `kubernetes-json-schema/v<X.Y.0>-local-strict/<kind>-<group>-<version>.json`
(every object closed with `additionalProperties: false`) whose `$ref`s point at
`/api/_definitions.json` under an `https://kubernetes.io` `$id`: a validator would fetch
them from the network. We copy one version into the cache with the references made
relative (`_definitions.json#/$defs/...`), which kubeconform resolves next to the file,
offline, in its `{{ .NormalizedKubernetesVersion }}{{ .StrictSuffix }}` layout.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from knstack.errors import InputError, KnstackError, Problem
from knstack.validate.cache import cache_root, materialise

SCHEMA_PACKAGE = "kubernetes-validate"
_PACKAGE_MODULE = "kubernetes_validate"
DEFINITIONS = "_definitions.json"
LOCATION_TEMPLATE = "{{ .NormalizedKubernetesVersion }}{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json"
_PACKAGE_REF = '"/api/_definitions.json#'
_VERSION_DIR = re.compile(r"^v(\d+)\.(\d+)\.(\d+)-local-strict$")
_SKIPPED_FILES = frozenset({"all.json"})  # a oneOf of every kind, not a kind


@dataclass(frozen=True)
class KubernetesSchemas:
    """A ready schema directory for one Kubernetes version."""

    version: str  # the schema version used, e.g. "1.33.0"
    requested: str  # what the environment asked for, e.g. "1.33.2"
    root: Path  # holds v<version>-strict/

    @property
    def location(self) -> str:
        """kubeconform's `-schema-location` for this directory."""
        return f"{self.root}/{LOCATION_TEMPLATE}"

    @property
    def directory(self) -> Path:
        return self.root / f"v{self.version}-strict"

    def definitions(self) -> dict[str, Any]:
        return _read_definitions(self.directory / DEFINITIONS)


@cache
def package_version() -> str:
    """The installed package's version, from its `<name>-<version>.dist-info` directory
    (the wheel layout): `importlib.metadata.version` scans every installed distribution,
    30-50 ms of each `knstack validate`."""
    package = _package_dir()
    found = sorted(package.parent.glob(f"{package.name}-*.dist-info"))
    if len(found) == 1:
        return found[0].name.removesuffix(".dist-info").split("-", 1)[1]
    import importlib.metadata  # not a wheel layout: ask the metadata index

    return importlib.metadata.version(SCHEMA_PACKAGE)


@cache
def _package_dir() -> Path:
    """Where the package is installed, found without importing it: only its data files are
    used, and importing it loads jsonschema (0.1 s of each `knstack validate`)."""
    spec = importlib.util.find_spec(_PACKAGE_MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise KnstackError(f"the {SCHEMA_PACKAGE} package is not installed (pip install knstack)")
    return Path(next(iter(spec.submodule_search_locations)))


def _package_schema_dir() -> Path:
    return _package_dir() / "kubernetes-json-schema"


@cache
def supported_versions() -> tuple[str, ...]:
    """The Kubernetes versions the pinned package has schemas for, oldest first."""
    found: list[tuple[int, int, int]] = []
    for entry in _package_schema_dir().iterdir():
        match = _VERSION_DIR.match(entry.name)
        if match:
            found.append((int(match[1]), int(match[2]), int(match[3])))
    return tuple(".".join(map(str, v)) for v in sorted(found))


def schema_version_for(requested: str, *, file: str | None = None, field: str | None = None) -> str:
    """The shipped version with the same major.minor as `requested` (schemas change by minor)."""
    match = re.fullmatch(r"v?(\d+)\.(\d+)(?:\.(\d+))?", requested.strip())
    known = supported_versions()
    if match:
        minor = f"{int(match[1])}.{int(match[2])}."
        for version in known:
            if version.startswith(minor):
                return version
    raise InputError(
        Problem(
            f"no Kubernetes schemas for version {requested!r}: {SCHEMA_PACKAGE} {package_version()} "
            f"has {', '.join(known)}",
            file=file,
            field=field,
        )
    )


def kubernetes_schemas(
    requested: str,
    cache_dir: Path | None = None,
    *,
    file: str | None = None,
    field: str | None = None,
) -> KubernetesSchemas:
    """The schema directory for `requested`, generated into the cache on first use."""
    version = schema_version_for(requested, file=file, field=field)
    root = (
        (cache_dir or cache_root())
        / "kubernetes"
        / f"{SCHEMA_PACKAGE}-{package_version()}"
        / f"v{version}"
    )
    materialise(root, lambda staged: _copy_version(version, staged / f"v{version}-strict"))
    return KubernetesSchemas(version=version, requested=requested, root=root)


def _copy_version(version: str, target: Path) -> None:
    source = _package_schema_dir() / f"v{version}-local-strict"
    target.mkdir(parents=True)
    for path in sorted(source.glob("*.json")):
        if path.name in _SKIPPED_FILES:
            continue
        text = path.read_text(encoding="utf-8").replace(_PACKAGE_REF, f'"{DEFINITIONS}#')
        schema = json.loads(text)
        schema.pop("$id", None)  # else relative references resolve against kubernetes.io
        (target / path.name).write_text(json.dumps(schema, separators=(",", ":")), encoding="utf-8")


@cache
def _read_definitions(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return dict(data["$defs"])


def definitions_closure(definitions: dict[str, Any], root: str) -> dict[str, Any]:
    """`root` and every definition it references (transitively), for a self-contained schema."""
    wanted: dict[str, Any] = {}
    pending = [root]
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        schema = definitions[name]
        wanted[name] = schema
        pending += [ref.removeprefix("#/$defs/") for ref in _refs(schema)]
    return {name: wanted[name] for name in sorted(wanted)}


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        for value in node.values():
            found += _refs(value)
        return found
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []
