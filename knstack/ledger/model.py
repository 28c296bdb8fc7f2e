"""The revision ledger: every revision an environment has had, append-only.

A live Knative controller remembers old revisions; a renderer has only git. The ledger is
that memory, one file per environment: for each configuration, its revisions in order,
each with name, generation number, content digest and the template it snapshots.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from knstack.api.serving import RevisionTemplateSpec

LEDGER_API_VERSION: Final = "knstack.dev/v1alpha1"


def template_digest(template: RevisionTemplateSpec | dict[str, Any]) -> str:
    """sha256 of the template's canonical JSON: same content, same digest, from YAML or Python."""
    data = template.to_dict() if isinstance(template, RevisionTemplateSpec) else template
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


class LedgerEntry(BaseModel):
    """One revision: immutable once written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    generation: int = Field(ge=1)
    digest: str
    template: dict[str, Any]

    def template_spec(self) -> RevisionTemplateSpec:
        return RevisionTemplateSpec.model_validate(self.template)


class RevisionLedger(BaseModel):
    """All revisions of one environment, keyed by `<namespace>/<configuration>`."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    api_version: Literal["knstack.dev/v1alpha1"] = Field(
        default=LEDGER_API_VERSION, alias="apiVersion"
    )
    kind: Literal["RevisionLedger"] = "RevisionLedger"
    environment: str
    configurations: dict[str, list[LedgerEntry]] = Field(default_factory=dict)

    def entries(self, key: str) -> list[LedgerEntry]:
        return self.configurations.get(key, [])

    def latest(self, key: str) -> LedgerEntry | None:
        entries = self.entries(key)
        return entries[-1] if entries else None

    def find(self, key: str, revision: str) -> LedgerEntry | None:
        return next((e for e in self.entries(key) if e.name == revision), None)

    def find_anywhere(self, namespace: str, revision: str) -> tuple[str, LedgerEntry] | None:
        for key, entries in self.configurations.items():
            if key.startswith(f"{namespace}/"):
                for entry in entries:
                    if entry.name == revision:
                        return key, entry
        return None

    def to_document(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")


def configuration_key(namespace: str, name: str) -> str:
    return f"{namespace}/{name}"
