"""The PodDisruptionBudget of a revision that keeps two or more pods (min-scale >= 2).

Knative makes none; without one a node drain may evict every pod of a revision at once,
which defeats the reason for keeping several. `maxUnavailable: 1` lets drains proceed
one pod at a time whatever the current scale, and `AlwaysAllow` lets unhealthy pods be
evicted so that a broken revision never blocks node maintenance (kube-linter
pdb-max-unavailable, pdb-unhealthy-pod-eviction-policy).
"""

from __future__ import annotations

from typing import Any

from knstack.expand.labels import object_meta, revision_labels, revision_selector
from knstack.resolve.model import RevisionPlan

MIN_PODS_FOR_BUDGET = 2


def build_revision_pdb(rev: RevisionPlan) -> dict[str, Any] | None:
    """A PDB for revisions with min-scale >= 2, else None."""
    if (rev.autoscaling.min_scale or 0) < MIN_PODS_FOR_BUDGET:
        return None
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": object_meta(rev.name, rev.namespace, revision_labels(rev)),
        "spec": {
            "maxUnavailable": 1,
            "selector": {"matchLabels": revision_selector(rev)},
            "unhealthyPodEvictionPolicy": "AlwaysAllow",
        },
    }
