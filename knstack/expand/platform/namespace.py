"""The knative-serving Namespace (config/core/100-namespace.yaml), Pod Security "restricted".

Every Knative component meets the restricted profile, so knstack enforces it on the
control plane's namespace too (upstream leaves the namespace unlabelled).
"""

from __future__ import annotations

from knstack.expand.platform.common import SYSTEM_NAMESPACE, Install, metadata
from knstack.expand.result import Manifest

POD_SECURITY_LABELS = {
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
}


def build_system_namespace(
    install: Install, name: str = SYSTEM_NAMESPACE, labels: dict[str, str] | None = None
) -> Manifest:
    base = labels if labels is not None else install.labels()
    return {
        "apiVersion": "v1",
        "kind": "Namespace",
        "metadata": metadata(name, None, {**base, **POD_SECURITY_LABELS}),
    }
