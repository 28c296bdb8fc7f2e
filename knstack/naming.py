"""Knative's naming helpers (knative.dev/pkg/kmeta), shared by the ledger and the expanders."""

from __future__ import annotations

import hashlib

_LONGEST = 63
_MD5_LEN = 32


def child_name(parent: str, suffix: str) -> str:
    """kmeta.ChildName: `parent + suffix`, shortened with an md5 of the parent past 63 chars."""
    if len(parent) + len(suffix) <= _LONGEST:
        return parent + suffix
    head = _LONGEST - len(suffix) - _MD5_LEN
    if head <= 0:
        return hashlib.md5((parent + suffix).encode(), usedforsecurity=False).hexdigest()
    digest = hashlib.md5(parent.encode(), usedforsecurity=False).hexdigest()
    return parent[:head] + digest + suffix


def revision_name(configuration: str, generation: int) -> str:
    """The default revision name, `<config>-00001` (the configuration's generation)."""
    return child_name(configuration, f"-{generation:05d}")


def deployment_name(revision: str) -> str:
    return child_name(revision, "-deployment")


def private_service_name(revision: str) -> str:
    return child_name(revision, "-private")
