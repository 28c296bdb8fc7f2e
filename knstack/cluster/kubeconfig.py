"""Kubeconfig files for local clusters: one context per cluster, named as the stacks name it
(`knstack:clusters[].context`), with the credentials embedded so the file stands alone."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class KubeContext:
    """One cluster's entry: the context (and cluster and user) name, server and credentials."""

    name: str
    server: str
    ca_cert: Path
    client_cert: Path
    client_key: Path


def _data(path: Path) -> str:
    return base64.b64encode(path.read_bytes()).decode()


def kubeconfig_document(
    contexts: list[KubeContext], current: str | None = None
) -> dict[str, object]:
    """The kubeconfig as a dict (clientcmd's v1 Config); `current` defaults to the first."""
    ordered = sorted(contexts, key=lambda c: c.name)
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [
            {
                "name": c.name,
                "cluster": {"server": c.server, "certificate-authority-data": _data(c.ca_cert)},
            }
            for c in ordered
        ],
        "users": [
            {
                "name": c.name,
                "user": {
                    "client-certificate-data": _data(c.client_cert),
                    "client-key-data": _data(c.client_key),
                },
            }
            for c in ordered
        ],
        "contexts": [
            {"name": c.name, "context": {"cluster": c.name, "user": c.name}} for c in ordered
        ],
        "current-context": current or (contexts[0].name if contexts else ""),
        "preferences": {},
    }


def write_kubeconfig(path: Path, contexts: list[KubeContext], current: str | None = None) -> Path:
    """Write the kubeconfig (mode 0600: it holds client keys)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(yaml.safe_dump(kubeconfig_document(contexts, current), sort_keys=False))
    tmp.chmod(0o600)
    tmp.replace(path)
    return path
