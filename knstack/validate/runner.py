"""`knstack validate`: an environment's rendered manifests, or files, through kubeconform.

An environment is built by knstack.build (the one pipeline) and its manifests, the same
data `knstack render` writes, are checked from a temporary directory; results name each
object by the file render gives it (`<env>/<cluster>/NN_kind..._name.yaml`).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from knstack.errors import InputError, Problem
from knstack.validate.bundled_crds import INSTALL_HINT, bundled_crd_files
from knstack.validate.crd_download import download_crds
from knstack.validate.crds import (
    CRD_KIND,
    CrdSchemas,
    CrdSource,
    crd_files,
    crd_schemas,
    sources_from_files,
    sources_from_manifests,
)
from knstack.validate.kubeconform import (
    RawResult,
    find_kubeconform,
    kubeconform_version,
    run_kubeconform,
)
from knstack.validate.kubernetes_schemas import (
    SCHEMA_PACKAGE,
    KubernetesSchemas,
    kubernetes_schemas,
    package_version,
)
from knstack.validate.report import ObjectResult, SchemaSources, ValidationReport
from knstack.vocabulary import DEFAULT_KUBERNETES_VERSION

if TYPE_CHECKING:  # checking files needs none of the build's modules (a faster start)
    from knstack.build import EnvironmentBuild

# The kustomization.yaml render writes beside the manifests is not a cluster object.
SKIPPED_KINDS = ("kustomize.config.k8s.io/v1beta1/Kustomization",)
SETTINGS_FIELD = 'config."knstack:kubernetesVersion"'
_UNMARSHAL = "error unmarshalling resource: error converting YAML to JSON: "


@dataclass(frozen=True)
class SchemaOptions:
    """Where schemas come from, beyond the Kubernetes ones for the version."""

    crd_paths: tuple[Path, ...] = ()
    download_crds: bool = False
    kubernetes_version: str | None = None  # overrides the environment's
    cache_dir: Path | None = None
    bundled_crds: bool = True  # knstack's pinned CRDs (bundled_crds.py) for kinds not given


def validate_build(
    build: EnvironmentBuild, options: SchemaOptions | None = None, *, stack_file: str | None = None
) -> ValidationReport:
    """Check every manifest of every cluster of a built environment."""
    options = options or SchemaOptions()
    requested = options.kubernetes_version or build.settings.kubernetes_version
    where = {} if options.kubernetes_version else {"file": stack_file, "field": SETTINGS_FIELD}
    kubernetes = kubernetes_schemas(requested, options.cache_dir, **where)
    manifests = [m for cluster in build.clusters for m in cluster.manifests]
    crds = _crd_schemas(
        options,
        kubernetes,
        _given_crds(options)
        + sources_from_manifests(manifests, f"environment {build.environment}"),
    )
    binary = find_kubeconform()
    streams, index = _streams(build)
    with tempfile.TemporaryDirectory(prefix="knstack-validate-") as tmp:
        root = Path(tmp)
        for relative, documents in streams.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(f"---\n{doc}\n" for doc in documents), encoding="utf-8")
        raw = run_kubeconform(
            binary,
            [str(root)],
            schema_locations=[*crds.locations, kubernetes.location],
            kubernetes_version=kubernetes.version,
        )
        results = []
        for item in raw:
            stream = (
                Path(item.filename).relative_to(root).as_posix()
                if item.filename.startswith(tmp)
                else item.filename
            )
            file, namespace = index.get(
                (stream, item.api_version, item.kind, item.name), (stream, None)
            )
            results.append(_object_result(item, file, namespace, kubernetes, crds))
    warnings = list(crds.warnings) + _appended_warning(build)
    return ValidationReport(
        f"environment {build.environment}", _sources(binary, kubernetes, crds), results, warnings
    )


def _streams(
    build: EnvironmentBuild,
) -> tuple[dict[str, list[str]], dict[tuple[str, str, str, str], tuple[str, str | None]]]:
    """The manifests as a few YAML streams (one per cluster and namespace), and an index
    from what kubeconform reports (stream, apiVersion, kind, name) to the file name
    `knstack render` gives the object and its namespace.

    Documents are JSON (which is YAML): the same data render writes, serialised many
    times faster than block YAML, in a handful of files instead of one per object.
    """
    from knstack.expand.order import identity
    from knstack.render.layout import file_name

    streams: dict[str, list[str]] = {}
    index: dict[tuple[str, str, str, str], tuple[str, str | None]] = {}
    for cluster in build.clusters:
        for manifest in cluster.manifests:  # ordered and unique (knstack.build)
            _, kind, namespace, name = identity(manifest)
            stream = (
                f"{cluster.name}/{namespace or '_cluster'}.yaml"  # "_" cannot start a namespace
            )
            streams.setdefault(stream, []).append(json.dumps(manifest, ensure_ascii=False))
            rendered_as = f"{build.environment}/{cluster.name}/{file_name(manifest, 'yaml')}"
            index[(stream, str(manifest.get("apiVersion", "")), kind, name)] = (
                rendered_as,
                namespace or None,
            )
    return streams, index


def validate_paths(paths: Sequence[Path], options: SchemaOptions | None = None) -> ValidationReport:
    """Check manifest files (or directories of them), e.g. `knstack render` output."""
    options = options or SchemaOptions()
    missing = [Problem("no such file or directory", file=str(p)) for p in paths if not p.exists()]
    if missing:
        raise InputError(missing)
    kubernetes = kubernetes_schemas(
        options.kubernetes_version or DEFAULT_KUBERNETES_VERSION, options.cache_dir
    )
    given = _given_crds(options)
    crds = _crd_schemas(options, kubernetes, given)
    binary = find_kubeconform()
    raw = _check_files(binary, [str(p) for p in paths], crds, kubernetes)
    # CRDs among the files validate the custom resources beside them (a knative render).
    # kubeconform's results name the files that hold them (or that it could not read), so
    # only those are read: reading every file first cost 1.1 s of 80,000. Objects of the
    # kinds those CRDs add are then checked again with them.
    holding = sorted({r.filename for r in raw if r.kind == CRD_KIND or r.status == "error"})
    from_input = sources_from_files(holding)
    if from_input:
        before = crds
        crds = _crd_schemas(options, kubernetes, given + from_input)
        added = crds.given_kinds - before.given_kinds
        again = sorted({r.filename for r in raw if f"{r.api_version} {r.kind}".lower() in added})
        if again:
            redone = set(again)
            raw = [r for r in raw if r.filename not in redone]
            raw += _check_files(binary, again, crds, kubernetes)
    results = [_object_result(item, item.filename, None, kubernetes, crds) for item in raw]
    target = " ".join(str(p) for p in paths)
    return ValidationReport(
        target, _sources(binary, kubernetes, crds), results, list(crds.warnings)
    )


def _check_files(
    binary: Path, targets: list[str], crds: _CrdLayers, kubernetes: KubernetesSchemas
) -> list[RawResult]:
    return run_kubeconform(
        binary,
        targets,
        schema_locations=[*crds.locations, kubernetes.location],
        kubernetes_version=kubernetes.version,
        skip=SKIPPED_KINDS,
    )


@dataclass(frozen=True)
class _CrdLayers:
    """CRD schema directories in the order kubeconform looks a kind up: the CRDs given
    (`--crds`, `--download-crds`) and those in the input first, knstack's pinned ones last,
    so a kind defined by the user or the input never falls through to the bundled copy."""

    layers: tuple[CrdSchemas, ...]
    bundled: bool  # whether knstack's pinned CRDs are among them
    given_kinds: frozenset[str]  # "group/version kind" (lower case) of the first layer's CRDs

    @property
    def locations(self) -> list[str]:
        return [layer.location for layer in self.layers]

    @property
    def kinds(self) -> list[str]:
        return sorted({kind for layer in self.layers for kind in layer.kinds})

    @property
    def warnings(self) -> list[str]:
        return [warning for layer in self.layers for warning in layer.warnings]


def _given_crds(options: SchemaOptions) -> list[CrdSource]:
    """The CRDs named by `--crds` (or KNSTACK_CRDS) and `--download-crds`."""
    paths = list(options.crd_paths)
    if options.download_crds:
        paths.append(download_crds(cache_dir=options.cache_dir))
    return sources_from_files(crd_files(paths))


def _crd_schemas(
    options: SchemaOptions, kubernetes: KubernetesSchemas, given: list[CrdSource]
) -> _CrdLayers:
    layers = []
    given_kinds: frozenset[str] = frozenset()
    if given:
        layer = crd_schemas(given, kubernetes, options.cache_dir)
        layers.append(layer)
        given_kinds = frozenset(kind.lower() for kind in layer.kinds)
    bundled = bundled_crd_files() if options.bundled_crds else []
    if bundled:
        # Cached apart from the given CRDs: converted once, whatever the input.
        layers.append(crd_schemas(sources_from_files(bundled), kubernetes, options.cache_dir))
    return _CrdLayers(tuple(layers), bool(bundled), given_kinds)


def _object_result(
    item: RawResult,
    file: str,
    namespace: str | None,
    kubernetes: KubernetesSchemas,
    crds: _CrdLayers,
) -> ObjectResult:
    status = item.status if item.status in ("valid", "invalid", "skipped") else "error"
    message: str | None = None
    if status == "error":
        message = item.message
        if message.startswith(_UNMARSHAL):
            message = "not valid YAML for a Kubernetes object: " + " ".join(
                message.removeprefix(_UNMARSHAL).split()
            )
        elif message.startswith("could not find schema"):
            hint = "use --crds PATH" if crds.bundled else f"{INSTALL_HINT}, or use --crds PATH"
            message = (
                f"no schema for {item.api_version} {item.kind}: not a Kubernetes {kubernetes.version} API "
                f"and no CustomResourceDefinition given for it ({hint})"
            )
    return ObjectResult(
        file=file,
        api_version=item.api_version,
        kind=item.kind,
        name=item.name,
        namespace=namespace,
        status=status,  # type: ignore[arg-type]
        errors=item.errors,
        message=message,
    )


def _sources(binary: Path, kubernetes: KubernetesSchemas, crds: _CrdLayers) -> SchemaSources:
    return SchemaSources(
        kubeconform=kubeconform_version(binary),
        kubernetes_version=kubernetes.version,
        kubernetes_schemas=f"{SCHEMA_PACKAGE} {package_version()}",
        crd_kinds=list(crds.kinds),
    )


def _appended_warning(build: EnvironmentBuild) -> list[str]:
    if not build.appended:
        return []
    names = ", ".join(entry.name for _, entry in build.appended)
    return [
        f"validated revisions not yet in the ledger ({names}); `knstack render --stack {build.environment}` records them"
    ]
