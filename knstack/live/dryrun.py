"""`knstack validate --server-side`: each rendered object sent to its cluster's API server as
a server-side apply with dryRun=All, so the server's own validation judges it (defaulting,
CEL rules of CRDs, immutable fields against what is live, admission) and nothing is stored
(Kubernetes API concepts, "Dry-run")."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from knstack.live.client import ClusterConnection, connect
from knstack.validate.kubeconform import FieldError
from knstack.validate.report import ObjectResult, SchemaSources, ValidationReport
from knstack.vocabulary import Manifest

if TYPE_CHECKING:
    from knstack.build import EnvironmentBuild

FIELD_MANAGER = "knstack"


def validate_server_side(build: EnvironmentBuild, stack_file: str) -> ValidationReport:
    results: list[ObjectResult] = []
    servers = []
    version = ""
    for cluster in build.clusters:
        conn = connect(cluster.name, cluster.settings.context, stack_file)
        servers.append(f"{cluster.name}={conn.server}")
        version = conn.version
        results += [
            dry_run(conn, obj, cluster.manifests, f"{build.environment}/{cluster.name}")
            for obj in cluster.manifests
        ]
    sources = SchemaSources(
        kubeconform="", kubernetes_version=version, kubernetes_schemas="", server=", ".join(servers)
    )
    return ValidationReport(f"environment {build.environment}", sources, results)


def dry_run(
    conn: ClusterConnection, obj: Manifest, rendered: list[Manifest], file: str
) -> ObjectResult:
    """The API server's verdict on one object."""
    from kubernetes.client import ApiException

    meta = obj.get("metadata") or {}
    api_version, kind = str(obj.get("apiVersion", "")), str(obj.get("kind", ""))
    name, namespace = str(meta.get("name", "")), meta.get("namespace")

    def result(
        status: str, errors: tuple[FieldError, ...] = (), message: str | None = None
    ) -> ObjectResult:
        return ObjectResult(file, api_version, kind, name, namespace, status, errors, message)  # type: ignore[arg-type]

    resource = conn.resource(api_version, kind)
    if resource is None:
        if _brings_crd(rendered, api_version, kind):
            return result(
                "skipped",
                message=f"the render installs the CRD of {kind}; it is not on cluster {conn.cluster} yet",
            )
        return result(
            "invalid",
            (
                FieldError(
                    "apiVersion",
                    f"cluster {conn.cluster} has no resource type {api_version} {kind} (is its CRD installed?)",
                ),
            ),
        )
    try:
        resource.server_side_apply(
            body=obj, name=name, namespace=namespace if resource.namespaced else None,
            field_manager=FIELD_MANAGER, force_conflicts=True, dry_run="All",
        )  # fmt: skip
    except ApiException as err:
        status = _status(err)
        if err.status == 404 and namespace and _creates_namespace(rendered, namespace):
            return result(
                "skipped",
                message=f"namespace {namespace} is created by this render and does not exist yet",
            )
        causes = (status.get("details") or {}).get("causes") or []
        errors = tuple(FieldError(c.get("field", ""), c.get("message", "")) for c in causes)
        return result(
            "invalid", errors or (FieldError("", status.get("message") or str(err.reason)),)
        )
    return result("valid")


def _status(err: Any) -> dict[str, Any]:
    try:
        body: dict[str, Any] = json.loads(err.body or "{}")
        return body
    except (TypeError, ValueError):
        return {}


def _brings_crd(rendered: list[Manifest], api_version: str, kind: str) -> bool:
    group = api_version.split("/")[0] if "/" in api_version else ""
    for obj in rendered:
        if obj.get("kind") == "CustomResourceDefinition":
            spec = obj.get("spec") or {}
            if spec.get("group") == group and (spec.get("names") or {}).get("kind") == kind:
                return True
    return False


def _creates_namespace(rendered: list[Manifest], namespace: str) -> bool:
    return any(
        o.get("kind") == "Namespace" and (o.get("metadata") or {}).get("name") == namespace
        for o in rendered
    )
