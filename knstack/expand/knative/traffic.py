"""Explicit traffic: every target names its revision, as the ledger resolved it (knative/serving pkg/apis/serving/v1/route_validation.go).

Naming each revision keeps the cluster on exactly the ledger's split, and every revision
named in a Route's traffic (a 0% tag included) is `active` for Knative's garbage
collector, which never deletes active revisions.
"""

from __future__ import annotations

from typing import Any

from knstack.resolve.model import RoutePlan


def build_traffic(route: RoutePlan) -> list[dict[str, Any]]:
    targets: list[dict[str, Any]] = []
    for split in route.traffic:
        target: dict[str, Any] = {}
        if split.tag:
            target["tag"] = split.tag
        # latestRevision and percent spelled out as Knative's defaulting would store them.
        target.update(
            {"revisionName": split.revision, "latestRevision": False, "percent": split.percent}
        )
        targets.append(target)
    # A revision on standby (a retained one, the stable one behind a candidate at 100%)
    # is named at 0%: Knative keeps it active (pkg/reconciler/gc spares it, min-scale
    # holds) and routes nothing to it.
    for revision in route.standby:
        targets.append({"revisionName": revision, "latestRevision": False, "percent": 0})
    return targets
