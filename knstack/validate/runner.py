"""`knstack validate`: an environment's rendered manifests, or files, through kubeconform.

An environment is rendered by knstack.build (the one pipeline), serialised exactly as
`knstack render` writes it (one file per object, same names) into a temporary
directory, and checked there, so what passes here is what render writes.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knstack.build import EnvironmentBuild
from knstack.errors import InputError, Problem
from knstack.render.layout import file_name, identity, ordered
from knstack.render.writer import serialise
from knstack.stack import StackSettings
from knstack.validate.crd_download import download_crds
from knstack.validate.crds import (
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

# The kustomization.yaml render writes beside the manifests is not a cluster object.
SKIPPED_KINDS = ("kustomize.config.k8s.io/v1beta1/Kustomization",)
DEFAULT_KUBERNETES_VERSION: str = StackSettings.model_fields["kubernetes_version"].default
SETTINGS_FIELD = 'config."knstack:kubernetesVersion"'
_UNMARSHAL = "error unmarshalling resource: error converting YAML to JSON: "


@dataclass(frozen=True)
class SchemaOptions:
    """Where schemas come from, beyond the Kubernetes ones for the version."""

    crd_paths: tuple[Path, ...] = ()
    download_crds: bool = False
    kubernetes_version: str | None = None  # overrides the environment's
    cache_dir: Path | None = None


def validate_build(build: EnvironmentBuild, options: SchemaOptions | None = None, *, stack_file: str | None = None) -> ValidationReport:
    """Check every manifest of every cluster of a built environment."""
    options = options or SchemaOptions()
    requested = options.kubernetes_version or build.settings.kubernetes_version
    where = {} if options.kubernetes_version else {"file": stack_file, "field": SETTINGS_FIELD}
    kubernetes = kubernetes_schemas(requested, options.cache_dir, **where)
    manifests = [m for cluster in build.clusters for m in cluster.manifests]
    crds = _crd_schemas(options, kubernetes, sources_from_manifests(manifests, f"environment {build.environment}"))
    binary = find_kubeconform()
    namespaces: dict[str, str | None] = {}
    with tempfile.TemporaryDirectory(prefix="knstack-validate-") as tmp:
        root = Path(tmp)
        for cluster in build.clusters:
            where_label = f"environment {build.environment}, cluster {cluster.name}"
            for manifest in ordered(cluster.manifests, where_label):
                relative = f"{build.environment}/{cluster.name}/{file_name(manifest, 'yaml')}"
                path = root / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(serialise(manifest, "yaml"), encoding="utf-8")
                namespaces[relative] = identity(manifest)[2] or None
        raw = run_kubeconform(binary, [str(root)], schema_locations=[crds.location, kubernetes.location], kubernetes_version=kubernetes.version)
    results = []
    for item in raw:
        relative = Path(item.filename).relative_to(root).as_posix() if item.filename.startswith(str(root)) else item.filename
        results.append(_object_result(item, relative, namespaces.get(relative), kubernetes))
    warnings = list(crds.warnings) + _appended_warning(build)
    return ValidationReport(f"environment {build.environment}", _sources(binary, kubernetes, crds), results, warnings)


def validate_paths(paths: Sequence[Path], options: SchemaOptions | None = None) -> ValidationReport:
    """Check manifest files (or directories of them), e.g. `knstack render` output."""
    options = options or SchemaOptions()
    missing = [Problem("no such file or directory", file=str(p)) for p in paths if not p.exists()]
    if missing:
        raise InputError(missing)
    kubernetes = kubernetes_schemas(options.kubernetes_version or DEFAULT_KUBERNETES_VERSION, options.cache_dir)
    # CRDs among the files validate the custom resources beside them (a knative render).
    crds = _crd_schemas(options, kubernetes, sources_from_files(crd_files(paths)))
    binary = find_kubeconform()
    raw = run_kubeconform(
        binary,
        [str(p) for p in paths],
        schema_locations=[crds.location, kubernetes.location],
        kubernetes_version=kubernetes.version,
        skip=SKIPPED_KINDS,
    )
    results = [_object_result(item, item.filename, None, kubernetes) for item in raw]
    target = " ".join(str(p) for p in paths)
    return ValidationReport(target, _sources(binary, kubernetes, crds), results, list(crds.warnings))


def _crd_schemas(options: SchemaOptions, kubernetes: KubernetesSchemas, from_input: list[CrdSource]) -> CrdSchemas:
    paths = list(options.crd_paths)
    if options.download_crds:
        paths.append(download_crds(cache_dir=options.cache_dir))
    sources = sources_from_files(crd_files(paths)) + from_input
    return crd_schemas(sources, kubernetes, options.cache_dir)


def _object_result(item: RawResult, file: str, namespace: str | None, kubernetes: KubernetesSchemas) -> ObjectResult:
    status = item.status if item.status in ("valid", "invalid", "skipped") else "error"
    message: str | None = None
    if status == "error":
        message = item.message
        if message.startswith(_UNMARSHAL):
            message = "not valid YAML for a Kubernetes object: " + " ".join(message.removeprefix(_UNMARSHAL).split())
        elif message.startswith("could not find schema"):
            message = (
                f"no schema for {item.api_version} {item.kind}: not a Kubernetes {kubernetes.version} API "
                "and no CustomResourceDefinition given for it (use --crds PATH or --download-crds)"
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


def _sources(binary: Path, kubernetes: KubernetesSchemas, crds: CrdSchemas) -> SchemaSources:
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
    return [f"validated revisions not yet in the ledger ({names}); `knstack render --stack {build.environment}` records them"]
