"""A PodDisruptionBudget for revisions that ask for at least two pods (min-scale >= 2).

min-scale >= 2 says the revision must not drop to a single pod. `maxUnavailable: 1`
lets node drains proceed one pod at a time (a `minAvailable` equal to min-scale would
block every drain while the revision runs exactly min-scale pods), and
`unhealthyPodEvictionPolicy: AlwaysAllow` keeps pods that are not ready from blocking
drains at all.
"""

from __future__ import annotations

from typing import Any

from knstack.expand.labels import object_meta, revision_labels, revision_selector
from knstack.resolve.model import RevisionPlan

PDB_MIN_SCALE = 2


def build_revision_pdb(rev: RevisionPlan) -> dict[str, Any] | None:
    if (rev.autoscaling.min_scale or 0) < PDB_MIN_SCALE:
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
