"""Policy waivers travel with what they waive.

A waiver (`knstack.dev/waive.<rule-id>`) is written on a Knative object's metadata. The
objects of its revisions (Deployment, Service, autoscaler, budget) carry it on their own
metadata, so any tool that only sees the rendered manifests (Pulumi CrossGuard, a GitOps
review) sees the waiver next to the object it covers. Route objects already carry the
Route's annotations. Pod templates are left alone: a waiver must not restart pods.
"""

from __future__ import annotations

from typing import Any

from knstack.api.waivers import waiver_annotations
from knstack.expand.labels import sorted_map
from knstack.resolve.model import RevisionPlan, ServingPlan


def configuration_waivers(plan: ServingPlan) -> dict[tuple[str, str], dict[str, str]]:
    """(namespace, configuration) -> the waivers its revisions' objects carry."""
    return {(c.namespace, c.name): waiver_annotations(c.annotations) for c in plan.configurations}


def revision_waivers(
    waivers: dict[tuple[str, str], dict[str, str]], rev: RevisionPlan
) -> dict[str, str]:
    """The waivers of the configuration (or Service) a revision belongs to."""
    return waivers.get((rev.namespace, rev.configuration), {})


def with_waivers(manifest: dict[str, Any], waivers: dict[str, str]) -> dict[str, Any]:
    if not waivers:
        return manifest
    meta = dict(manifest["metadata"])
    meta["annotations"] = sorted_map({**(meta.get("annotations") or {}), **waivers})
    return {**manifest, "metadata": meta}
