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


def reserved_deployment_name(revision: str) -> str:
    """The Deployment holding a revision's reserved instances (knstack's own object)."""
    return child_name(revision, "-reserved")


def canary_ingress_name(route: str) -> str:
    """The second Ingress of an NGINX or ALB split: the canary weight lives on it."""
    return child_name(route, "-canary")


def tag_header_ingress_name(route: str, tag: str) -> str:
    """The Ingress that sends `Knative-Serving-Tag: <tag>` requests to the tagged revision."""
    return child_name(route, f"-tag-{tag}")


def tag_object_name(tag: str, route: str) -> str:
    """Objects serving a tag host are named like its host label, `<tag>-<route>`
    (config-network tag-template), shortened like any child past 63 characters."""
    return child_name(f"{tag}-{route}", "")
