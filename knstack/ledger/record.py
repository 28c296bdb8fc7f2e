"""Recording templates in the ledger: append a changed template, reuse an unchanged one.

Pure functions: each returns a new ledger and never rewrites an existing entry.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knstack.api.serving import RevisionTemplateSpec
from knstack.errors import InputError, Problem
from knstack.ledger.model import LedgerEntry, RevisionLedger, template_digest
from knstack.naming import revision_name


@dataclass(frozen=True)
class Recorded:
    ledger: RevisionLedger
    entry: LedgerEntry
    appended: bool


def record_template(
    ledger: RevisionLedger, key: str, configuration: str, template: RevisionTemplateSpec
) -> Recorded:
    """The revision for `template` as the configuration's current template, in a new ledger
    (`next_entry` says which)."""
    entries = ledger.entries(key)
    entry, appended = next_entry(entries, configuration, template)
    if not appended:
        return Recorded(ledger, entry, appended=False)
    configurations = {**ledger.configurations, key: [*entries, entry]}
    return Recorded(
        ledger.model_copy(update={"configurations": configurations}), entry, appended=True
    )


def next_entry(
    entries: Sequence[LedgerEntry], configuration: str, template: RevisionTemplateSpec
) -> tuple[LedgerEntry, bool]:
    """The entry for `template` after a configuration's `entries`, and whether it is new.

    Unchanged from the latest entry: that entry. Changed: a new entry with the next
    generation, named `<config>-<generation>` or by the template's BYO name. As in Knative, a
    BYO name must change whenever the template changes. A caller recording many templates
    keeps one mutable mapping of entries and calls this, instead of copying the ledger per
    template (`record_template`), which grows with the ledger.
    """
    data = template.to_dict()  # once: the digest and a new entry read the same dict
    digest = template_digest(data)
    latest = entries[-1] if entries else None
    if latest is not None and latest.digest == digest:
        return latest, False
    generation = max((e.generation for e in entries), default=0) + 1
    byo = template.metadata.name
    name = byo or revision_name(configuration, generation)
    clash = next((e for e in entries if e.name == name), None)
    if clash is not None:
        raise InputError(
            Problem(
                f"the revision name {name!r} is already used by generation {clash.generation} "
                "with a different template; give the changed template a new name "
                "(Knative requires a new BYO name for every template change)",
                field="spec.template.metadata.name",
            )
        )
    return LedgerEntry(name=name, generation=generation, digest=digest, template=data), True


def import_entry(ledger: RevisionLedger, key: str, entry: LedgerEntry) -> RevisionLedger:
    """Copy an entry from another environment's ledger (promotion). Same name, same digest."""
    existing = ledger.find(key, entry.name)
    if existing is not None:
        if existing.digest != entry.digest:
            raise InputError(
                Problem(
                    f"revision {entry.name!r} exists in both ledgers with different templates "
                    f"({existing.digest} vs {entry.digest}); ledger entries are never rewritten"
                )
            )
        return ledger
    configurations = dict(ledger.configurations)
    configurations[key] = [*ledger.entries(key), entry]
    return ledger.model_copy(update={"configurations": configurations})
