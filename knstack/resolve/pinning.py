"""Pinning a route's traffic to revisions of the ledger (Knative's pkg/reconciler/route/traffic)."""

from __future__ import annotations

from collections.abc import Sequence

from knstack.api.serving import TrafficTarget
from knstack.errors import InputError, Problem
from knstack.ledger.model import LedgerEntry, RevisionLedger, configuration_key
from knstack.resolve.model import TrafficSplit

Index = dict[tuple[str, str], tuple[str, LedgerEntry]]  # (namespace, revision) -> (config, entry)


def pin_traffic(
    traffic: Sequence[TrafficTarget],
    namespace: str,
    service: str | None,
    ledger: RevisionLedger,
    latest: dict[str, LedgerEntry],
    index: Index,
) -> list[TrafficSplit]:
    """A route's traffic targets pinned to ledger revisions (Knative's route/traffic):
    a named revision must be in the ledger (a Service's, its own), a configuration's
    target takes its latest revision."""
    problems: list[Problem] = []
    splits: list[TrafficSplit] = []
    for position, target in enumerate(traffic):
        where = f"spec.traffic[{position}]"
        if target.revision_name:
            found = index.get((namespace, target.revision_name))
            if service and found is not None and found[0] != configuration_key(namespace, service):
                found = None  # a Service routes only to its own revisions
            if found is None:
                known = _known_revisions(ledger, namespace, service)
                problems.append(
                    Problem(
                        f"revision {target.revision_name!r} is not in the revision ledger"
                        + (f" of Service {service}" if service else "")
                        + f" (known: {known})",
                        field=f"{where}.revisionName",
                    )
                )
                continue
            revision, is_latest = target.revision_name, False
        else:
            config_name = target.configuration_name or service
            key = configuration_key(namespace, config_name or "")
            entry = latest.get(key) or ledger.latest(key)
            if entry is None:
                problems.append(
                    Problem(
                        f"configuration {config_name!r} is unknown: define it (or its Service) in the same namespace",
                        field=f"{where}.configurationName",
                    )
                )
                continue
            revision, is_latest = entry.name, True
        # Repeated identical targets stay separate; their percents add up on the host.
        splits.append(
            TrafficSplit(
                revision=revision, percent=target.percent or 0, tag=target.tag, latest=is_latest
            )
        )
    if problems:
        raise InputError(problems)
    return splits


def revision_index(ledger: RevisionLedger) -> Index:
    """(namespace, revision name) -> (configuration key, entry), for constant-time lookups."""
    index: Index = {}
    for key, entries in ledger.configurations.items():
        namespace = key.split("/", 1)[0]
        for entry in entries:
            index[(namespace, entry.name)] = (key, entry)
    return index


def _known_revisions(ledger: RevisionLedger, namespace: str, service: str | None) -> str:
    if service:
        names = [e.name for e in ledger.entries(configuration_key(namespace, service))]
    else:
        names = [
            e.name
            for key, entries in ledger.configurations.items()
            if key.startswith(f"{namespace}/")
            for e in entries
        ]
    return ", ".join(names) if names else "none"
