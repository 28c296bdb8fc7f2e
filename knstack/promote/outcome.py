"""What a promotion step takes and gives: its options, its outcome, and the refusal when a
gate fails."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from knstack.errors import KnstackError
from knstack.promote.audit import AuditRecord
from knstack.promote.gates import GateResult
from knstack.promote.source import Passed
from knstack.promote.steps import Transition
from knstack.validate import SchemaOptions

Clock = Callable[[], datetime]
Notify = Callable[[str], None]


class GateFailed(KnstackError):
    """A gate refused the step (exit 1); nothing was written."""

    exit_code = 1

    def __init__(self, environment: str, gates: list[GateResult]) -> None:
        self.gates = gates
        failed = ", ".join(g.name for g in gates if not g.passed)
        super().__init__(f"{environment}: gate(s) failed: {failed}; nothing was changed")


@dataclass(frozen=True)
class StepOptions:
    force: bool = False
    reason: str | None = None
    schema: SchemaOptions = field(default_factory=SchemaOptions)
    lock_timeout: float = 120.0
    dry_run: bool = False
    wait: bool = False  # advance: sleep until the stage has soaked, instead of refusing
    clock: Clock = field(default=lambda: datetime.now(UTC))
    sleep: Callable[[float], None] = time.sleep


@dataclass
class Outcome:
    environment: str
    transition: Transition
    gates: list[GateResult] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    record: AuditRecord | None = None
    stack_diff: str = ""
    source: Passed | None = None

    @property
    def changed(self) -> bool:
        return self.transition.changed
