"""One expanded manifest -> one pulumi-kubernetes resource, named, ordered and typed.

Built-in kinds get pulumi-kubernetes' typed classes (`apps.v1.Deployment`, `core.v1.Service`,
...), found where the SDK keeps them (`pulumi_kubernetes.<package>.<version>.<Kind>`);
everything else is an `apiextensions.CustomResource`. The manifest is passed as it is
(top-level keys in the SDK's snake_case, nested content untouched), so what reaches the
provider is what `knstack render` writes. Names are explicit (`metadata.name` always set),
and the Pulumi resource name is `<cluster>/<namespace>/<name>` (`<cluster>/<name>` for
cluster-scoped objects): unique per type and cluster, stable across runs.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from knstack.errors import InputError, Problem
from knstack.vocabulary import REVISION_LABEL, Manifest, ref

_HEAD_KEYS = ("apiVersion", "kind")
_CUSTOM_RESOURCE_KEYS = frozenset({"apiVersion", "kind", "metadata", "spec"})
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def split_api_version(api_version: str) -> tuple[str, str]:
    """`apps/v1` -> (apps, v1); `v1` -> ("", v1): the core group."""
    group, slash, version = api_version.rpartition("/")
    return (group if slash else ""), version


def type_token(manifest: Manifest) -> str:
    """The Pulumi type of a Kubernetes object: `kubernetes:apps/v1:Deployment`, `kubernetes:core/v1:Service`."""
    group, version = split_api_version(manifest["apiVersion"])
    return f"kubernetes:{group or 'core'}/{version}:{manifest['kind']}"


# Kubernetes' built-in API groups and the pulumi_kubernetes package of each (the SDK's
# `mod` table in pulumi_kubernetes/__init__.py); any other group is a CRD group, even
# under k8s.io (gateway.networking.k8s.io, policy.networking.k8s.io).
_SDK_PACKAGES = {
    "": "core",
    "admissionregistration.k8s.io": "admissionregistration",
    "apiextensions.k8s.io": "apiextensions",
    "apiregistration.k8s.io": "apiregistration",
    "apps": "apps",
    "autoscaling": "autoscaling",
    "batch": "batch",
    "certificates.k8s.io": "certificates",
    "coordination.k8s.io": "coordination",
    "discovery.k8s.io": "discovery",
    "events.k8s.io": "events",
    "extensions": "extensions",
    "flowcontrol.apiserver.k8s.io": "flowcontrol",
    "networking.k8s.io": "networking",
    "node.k8s.io": "node",
    "policy": "policy",
    "rbac.authorization.k8s.io": "rbac",
    "resource.k8s.io": "resource",
    "scheduling.k8s.io": "scheduling",
    "storage.k8s.io": "storage",
    "storagemigration.k8s.io": "storagemigration",
}


@cache
def typed_class(api_version: str, kind: str) -> type[pulumi.CustomResource] | None:
    """pulumi-kubernetes' class for a built-in kind, or None (a custom resource)."""
    group, version = split_api_version(api_version)
    package = _SDK_PACKAGES.get(group)
    if package is None or not re.fullmatch(r"v\d+((alpha|beta)\d+)?", version):
        return None
    try:
        module = importlib.import_module(f"pulumi_kubernetes.{package}.{version}")
    except ImportError:
        return None
    cls = getattr(module, kind, None)
    if isinstance(cls, type) and issubclass(cls, pulumi.CustomResource):
        return cls
    return None


@cache
def _accepted_keys(api_version: str, kind: str) -> frozenset[str]:
    """The keyword arguments the pulumi_kubernetes class of a kind takes (its _internal_init)."""
    cls: Any = typed_class(api_version, kind)
    return frozenset(inspect.signature(cls._internal_init).parameters) - {
        "__self__",
        "resource_name",
        "opts",
        "__props__",
    }


def snake_case(key: str) -> str:
    return _CAMEL.sub("_", key).lower()


def resource_name(cluster: str, manifest: Manifest) -> str:
    meta = manifest["metadata"]
    namespace = meta.get("namespace")
    return f"{cluster}/{namespace}/{meta['name']}" if namespace else f"{cluster}/{meta['name']}"


def register_manifest(
    name: str, manifest: Manifest, opts: pulumi.ResourceOptions
) -> pulumi.CustomResource:
    """Register one object; the manifest is copied, never changed."""
    body = copy.deepcopy(manifest)
    if not (body.get("metadata") or {}).get("name"):
        # Render mode rejects generateName and auto-naming would add a random suffix.
        raise InputError(
            Problem(
                "metadata.name is required (no auto-naming)",
                obj=ref(manifest),
                field="metadata.name",
            )
        )
    cls = typed_class(body["apiVersion"], body["kind"])
    if cls is not None:
        kwargs = {snake_case(k): v for k, v in body.items() if k not in _HEAD_KEYS}
        unknown = sorted(set(kwargs) - _accepted_keys(body["apiVersion"], body["kind"]))
        if unknown:
            raise InputError(
                Problem(
                    f"pulumi-kubernetes' {cls.__name__} has no field {unknown[0]!r}",
                    obj=ref(manifest),
                    field=unknown[0],
                )
            )
        return cls(name, opts=opts, **kwargs)
    if set(body) <= _CUSTOM_RESOURCE_KEYS:
        return k8s.apiextensions.CustomResource(
            name,
            api_version=body["apiVersion"],
            kind=body["kind"],
            metadata=body["metadata"],
            spec=body.get("spec"),
            opts=opts,
        )
    # CustomResource carries only metadata and spec; keep every top-level field instead.
    return _CustomObject(name, body, opts)


class _CustomObject(pulumi.CustomResource):
    """A custom resource with top-level fields besides spec, registered as declared."""

    def __init__(self, name: str, body: Manifest, opts: pulumi.ResourceOptions) -> None:
        super().__init__(type_token(body), name, body, opts)


def is_namespace(manifest: Manifest) -> bool:
    return manifest.get("apiVersion") == "v1" and manifest.get("kind") == "Namespace"


def is_crd(manifest: Manifest) -> bool:
    return (
        manifest.get("apiVersion", "").startswith("apiextensions.k8s.io/")
        and manifest.get("kind") == "CustomResourceDefinition"
    )


def crd_key(manifest: Manifest) -> tuple[str, str]:
    """(group, kind) a CustomResourceDefinition defines."""
    spec = manifest.get("spec") or {}
    return spec.get("group", ""), (spec.get("names") or {}).get("kind", "")


def prerequisites_first(manifests: list[Manifest]) -> list[Manifest]:
    """Namespaces, then CRDs, then the rest, each in expansion order."""
    return (
        [m for m in manifests if is_namespace(m)]
        + [m for m in manifests if is_crd(m)]
        + [m for m in manifests if not is_namespace(m) and not is_crd(m)]
    )


@dataclass
class ClusterRegistry:
    """Registers one cluster's objects and remembers its Namespaces, CRDs and each
    revision's objects for `depends_on`."""

    cluster: str
    namespaces: dict[str, pulumi.Resource] = field(default_factory=dict)
    crds: dict[tuple[str, str], pulumi.Resource] = field(default_factory=dict)
    registered: list[tuple[Manifest, pulumi.CustomResource]] = field(default_factory=list)
    revisions: dict[tuple[str, str], list[pulumi.Resource]] = field(default_factory=dict)

    def revision_objects(self, namespace: str, names: list[str]) -> list[pulumi.Resource]:
        """The registered objects of these revisions (Deployment, Service, autoscaler...)."""
        return [r for name in names for r in self.revisions.get((namespace, name), [])]

    def dependencies(self, manifest: Manifest) -> list[pulumi.Resource]:
        deps: list[pulumi.Resource] = []
        namespace = (manifest.get("metadata") or {}).get("namespace")
        if namespace and namespace in self.namespaces:
            deps.append(self.namespaces[namespace])
        group, _ = split_api_version(manifest["apiVersion"])
        crd = self.crds.get((group, manifest["kind"]))
        if crd is not None:
            deps.append(crd)
        return deps

    def register_all(
        self,
        manifests: list[Manifest],
        parent: pulumi.Resource,
        after: list[pulumi.Resource] | None = None,
    ) -> list[pulumi.CustomResource]:
        """Register `manifests` as children of `parent`, prerequisites first, each after
        the resources in `after` are ready."""
        out = []
        for manifest in prerequisites_first(manifests):
            deps = [*self.dependencies(manifest), *(after or [])]
            opts = pulumi.ResourceOptions(parent=parent, depends_on=deps)
            resource = register_manifest(resource_name(self.cluster, manifest), manifest, opts)
            meta = manifest.get("metadata") or {}
            if is_namespace(manifest):
                self.namespaces[meta["name"]] = resource
            elif is_crd(manifest):
                self.crds[crd_key(manifest)] = resource
            elif revision := (meta.get("labels") or {}).get(REVISION_LABEL):
                key = (meta.get("namespace") or "", revision)
                self.revisions.setdefault(key, []).append(resource)
            self.registered.append((manifest, resource))
            out.append(resource)
        return out
