"""The Namespace of an application, with Pod Security admission set to "restricted"."""

from __future__ import annotations

from typing import Any

from knstack.vocabulary import MANAGED_BY, MANAGED_BY_LABEL

UNMANAGED_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})


def build_namespace(name: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": {
            "name": name,
            "labels": {
                MANAGED_BY_LABEL: MANAGED_BY,
                "kubernetes.io/metadata.name": name,
                # Generated workloads meet "restricted"; enforcing it keeps hand-made ones honest.
                "pod-security.kubernetes.io/audit": "restricted",
                "pod-security.kubernetes.io/enforce": "restricted",
                "pod-security.kubernetes.io/warn": "restricted",
            },
        },
    }
