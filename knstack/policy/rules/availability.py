"""Availability: several pods survive node drains and do not share one node."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from knstack.policy.model import ADVISORY, MANDATORY, Manifest, RuleContext, Violation
from knstack.policy.objects import (
    DEPLOYMENT,
    HPA,
    PDB,
    dig,
    number,
    pod_labels,
    selector_matches,
    show,
)
from knstack.policy.registry import rule
from knstack.vocabulary import kind_key, name_of, namespace_of

MIN_PODS_FOR_BUDGET = 2


def _scalers(objects: Sequence[Manifest]) -> dict[tuple[str, str], Mapping[str, Any]]:
    out: dict[tuple[str, str], Mapping[str, Any]] = {}
    for hpa in objects:
        target = dig(hpa, "spec", "scaleTargetRef") or {}
        if kind_key(hpa) == HPA and target.get("kind") == "Deployment":
            out.setdefault((namespace_of(hpa), str(target.get("name"))), hpa)
    return out


def _pod_range(
    deployment: Manifest, scalers: Mapping[tuple[str, str], Mapping[str, Any]]
) -> tuple[float, float]:
    """(fewest, most) pods a Deployment runs: its replicas, or its HPA's range."""
    hpa = scalers.get((namespace_of(deployment), name_of(deployment)))
    if hpa is not None:
        low = number(dig(hpa, "spec", "minReplicas")) or 1.0
        return low, number(dig(hpa, "spec", "maxReplicas")) or low
    replicas = number(dig(deployment, "spec", "replicas"))
    replicas = 1.0 if replicas is None else replicas
    return replicas, replicas


@rule(
    id="pdb-min-scale",
    title="Services with min-scale of 2 or more have a PodDisruptionBudget",
    severity=MANDATORY,
    kinds={DEPLOYMENT},
    stack=True,
    fix="knstack renders a budget for revisions with min-scale >= 2; for other workloads add a "
    "PodDisruptionBudget (maxUnavailable: 1) selecting the pods.",
    rationale="A floor of several pods is there to survive failures; without a budget a node "
    "drain may evict all of them at once (kube-score pod-disruption-budget).",
)
def pdb_min_scale(objects: Sequence[Manifest], ctx: RuleContext) -> Iterator[Violation]:
    scalers = _scalers(objects)
    budgets = [o for o in objects if kind_key(o) == PDB]
    for obj in objects:
        if kind_key(obj) != DEPLOYMENT:
            continue
        low, _ = _pod_range(obj, scalers)
        if low < MIN_PODS_FOR_BUDGET:
            continue
        labels = pod_labels(obj)
        covered = any(
            namespace_of(b) == namespace_of(obj)
            and selector_matches(dig(b, "spec", "selector"), labels)
            for b in budgets
        )
        if not covered:
            field = (
                "spec.replicas"
                if (namespace_of(obj), name_of(obj)) not in scalers
                else "spec.template.metadata.labels"
            )
            yield Violation(
                obj,
                field,
                f"keeps at least {show(low)} pods but no PodDisruptionBudget selects them",
            )


@rule(
    id="pdb-allows-eviction",
    title="PodDisruptionBudgets allow at least one eviction",
    severity=MANDATORY,
    kinds={PDB},
    fix="Use maxUnavailable: 1 (or a minAvailable below the number of pods).",
    rationale="A budget that allows no eviction blocks node drains and cluster upgrades until "
    "someone deletes it by hand (kube-linter pdb-max-unavailable, pdb-min-available).",
)
def pdb_allows_eviction(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    spec = obj.get("spec") or {}
    max_unavailable = spec.get("maxUnavailable")
    if max_unavailable is not None and str(max_unavailable).strip() in ("0", "0%", "0.0"):
        yield Violation(obj, "spec.maxUnavailable", "is 0: no pod may ever be evicted")
    if str(spec.get("minAvailable", "")).strip() == "100%":
        yield Violation(obj, "spec.minAvailable", "is 100%: no pod may ever be evicted")


@rule(
    id="anti-affinity",
    title="Workloads that run several pods spread them over nodes",
    severity=ADVISORY,
    kinds={DEPLOYMENT},
    stack=True,
    fix="Keep knstack's default podAntiAffinity (prefer one pod per node), or set "
    "topologySpreadConstraints.",
    rationale="Pods of one revision on one node fail together when that node does "
    "(kube-linter no-anti-affinity).",
)
def anti_affinity(objects: Sequence[Manifest], ctx: RuleContext) -> Iterator[Violation]:
    scalers = _scalers(objects)
    for obj in objects:
        if kind_key(obj) != DEPLOYMENT:
            continue
        _, high = _pod_range(obj, scalers)
        spec = dig(obj, "spec", "template", "spec") or {}
        if (
            high < 2
            or dig(spec, "affinity", "podAntiAffinity")
            or spec.get("topologySpreadConstraints")
        ):
            continue
        yield Violation(
            obj,
            "spec.template.spec.affinity",
            f"may run {show(high)} pods with nothing spreading them over nodes",
        )
