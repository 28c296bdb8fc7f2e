"""Apply order and identity of manifests, and the check that no two share an identity.

`knstack.build` orders every cluster's manifests once, so every path (render, validate,
check, pulumi) gets the same objects in the same order, already checked for duplicates.
The rank puts namespaces and CRDs before what needs them (kubectl applies in file order).
"""

from __future__ import annotations

from typing import Any

from knstack.errors import InputError, Problem
from knstack.vocabulary import group_of

_RANK_BY_KIND: dict[str, int] = {
    "Namespace": 0,
    "CustomResourceDefinition": 1,
    "ServiceAccount": 2,
    "ClusterRole": 2,
    "Role": 2,
    "ClusterRoleBinding": 2,
    "RoleBinding": 2,
    "Secret": 3,
    "ConfigMap": 3,
    "Deployment": 4,
    "Service": 4,
    "HorizontalPodAutoscaler": 4,
    "PodDisruptionBudget": 4,
    "Job": 4,
    "MutatingWebhookConfiguration": 5,
    "ValidatingWebhookConfiguration": 5,
}
_RANK_CUSTOM = 6  # custom resources: after CRDs, workloads and webhooks
_BUILTIN_GROUPS = frozenset(
    {
        "",
        "apps",
        "autoscaling",
        "policy",
        "rbac.authorization.k8s.io",
        "batch",
        "apiextensions.k8s.io",
        "admissionregistration.k8s.io",
        "networking.k8s.io",
        "coordination.k8s.io",
    }
)


def rank(manifest: dict[str, Any]) -> int:
    group = group_of(manifest)
    kind = str(manifest.get("kind", ""))
    if group in _BUILTIN_GROUPS and kind in _RANK_BY_KIND:
        return _RANK_BY_KIND[kind]
    return _RANK_CUSTOM if group not in _BUILTIN_GROUPS else 4


def identity(manifest: dict[str, Any]) -> tuple[str, str, str, str]:
    meta = manifest.get("metadata") or {}
    return (
        group_of(manifest),
        str(manifest.get("kind", "")),
        str(meta.get("namespace") or ""),
        str(meta.get("name", "")),
    )


def sort_key(manifest: dict[str, Any]) -> tuple[int, str, str, str, str]:
    group, kind, namespace, name = identity(manifest)
    return (rank(manifest), kind, group, namespace, name)


def ordered(manifests: list[dict[str, Any]], where: str) -> list[dict[str, Any]]:
    """Manifests in apply order; two objects with the same identity are an error."""
    seen: dict[tuple[str, str, str, str], int] = {}
    problems: list[Problem] = []
    for index, manifest in enumerate(manifests):
        key = identity(manifest)
        if key in seen:
            group, kind, namespace, name = key
            problems.append(
                Problem(
                    f"two objects would be written as {kind}{'.' + group if group else ''} "
                    f"{namespace + '/' if namespace else ''}{name}; rename one of the objects that produce them",
                    file=where,
                )
            )
        seen[key] = index
    if problems:
        raise InputError(problems)
    return sorted(manifests, key=sort_key)
