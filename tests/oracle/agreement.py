"""Run both judges over a set of cases and explain every disagreement with the
known-differences file (tests/oracle/known_differences.yaml)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.oracle.generator import Case
from tests.oracle.judges import Verdict, knative_verdicts, knstack_verdict

KNOWN_DIFFERENCES = Path(__file__).with_name("known_differences.yaml")


@dataclass(frozen=True)
class Outcome:
    case: Case
    knative: Verdict
    knstack: Verdict

    @property
    def agree(self) -> bool:
        return self.knative.accepted == self.knstack.accepted


@dataclass(frozen=True)
class KnownDifference:
    id: str
    why: str
    upstream: str
    knative: str  # "accepts" or "rejects": Knative's side of the difference
    mutations: tuple[str, ...] = ()  # a generated case carrying all of these
    cases: tuple[str, ...] = ()  # or one of these case ids (corpus, bad-input cases)
    mutations_any: tuple[str, ...] = ()  # or a generated case carrying one of these
    kinds: tuple[str, ...] = ()  # only cases of these kinds (all when empty)
    case_prefix: str = ""  # or a case whose id starts with this ...
    knative_message: str = ""  # ... and whose Knative error contains this

    def explains(self, outcome: Outcome) -> bool:
        side = "accepts" if outcome.knative.accepted else "rejects"
        if outcome.agree or side != self.knative:
            return False
        if outcome.case.id in self.cases:
            return True
        if self.kinds and outcome.case.document.get("kind") not in self.kinds:
            return False
        if set(self.mutations_any) & set(outcome.case.mutations):
            return True
        if self.knative_message and outcome.case.id.startswith(self.case_prefix):
            return any(self.knative_message in m for m in outcome.knative.messages)
        return bool(self.mutations) and set(self.mutations) <= set(outcome.case.mutations)


def load_known_differences(path: Path = KNOWN_DIFFERENCES) -> list[KnownDifference]:
    entries: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        KnownDifference(
            id=e["id"],
            why=e["why"],
            upstream=e["upstream"],
            knative=e["knative"],
            mutations=tuple(e.get("mutations", ())),
            cases=tuple(e.get("cases", ())),
            mutations_any=tuple(e.get("mutations_any", ())),
            kinds=tuple(e.get("kinds", ())),
            case_prefix=e.get("case_prefix", ""),
            knative_message=e.get("knative_message", ""),
        )
        for e in entries
    ]


def judge_all(cases: Sequence[Case], oracle: Path, config_file: Path) -> list[Outcome]:
    knative = knative_verdicts(oracle, [c.document for c in cases], config_file)
    return [
        Outcome(case, verdict, knstack_verdict(case.document))
        for case, verdict in zip(cases, knative, strict=True)
    ]


def unexplained(outcomes: Sequence[Outcome], known: Sequence[KnownDifference]) -> list[Outcome]:
    return [o for o in outcomes if not o.agree and not any(k.explains(o) for k in known)]


def describe(outcome: Outcome) -> str:
    side = "accepts" if outcome.knative.accepted else "rejects"
    return (
        f"{outcome.case.id}: Knative {side} {list(outcome.knative.messages)}; "
        f"knstack {list(outcome.knstack.messages) or 'accepts'}"
    )


def agreement(outcomes: Sequence[Outcome]) -> float:
    return sum(o.agree for o in outcomes) / len(outcomes) if outcomes else 1.0
