"""The audit log: one JSON line per step that changed something, appended, never rewritten.

`stacks/audit.log.jsonl` sits beside the files it explains and is committed with them:
what moved (action, service, environment, revision), from which state to which, when, why
(the reason given, required with --force), who (if known), and the gates it passed.
"""

from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knstack.errors import InputError, Problem

AUDIT_FILE = "audit.log.jsonl"
# Who ran the step: an explicit name first, then what CI systems set, then the OS user.
ACTOR_VARIABLES = ("KNSTACK_ACTOR", "GITHUB_ACTOR", "GITLAB_USER_LOGIN", "BUILD_REQUESTEDFOR")


def audit_path(stacks_dir: Path) -> Path:
    return stacks_dir / AUDIT_FILE


def actor() -> str | None:
    for name in ACTOR_VARIABLES:
        if os.environ.get(name):
            return os.environ[name]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


@dataclass(frozen=True)
class AuditRecord:
    time: str
    action: str  # promote | advance | rollback | hold (advance --auto, inconclusive)
    environment: str
    service: str  # namespace/name
    revision: str | None  # the revision that moved
    source: str | None  # where a promoted revision came from (environment, or "components")
    from_state: dict[str, Any]  # the release before (empty for a new one)
    to_state: dict[str, Any]  # the release after
    from_step: str
    to_step: str
    reason: str | None
    forced: tuple[str, ...]  # what --force allowed
    gates: tuple[str, ...]  # the gates passed
    actor: str | None
    analysis: dict[str, Any] | None = None  # the measurements a gate or --auto judged

    def to_dict(self) -> dict[str, Any]:
        return {
            "time": self.time,
            "action": self.action,
            "environment": self.environment,
            "service": self.service,
            "revision": self.revision,
            "source": self.source,
            "from": {"step": self.from_step, "release": self.from_state},
            "to": {"step": self.to_step, "release": self.to_state},
            "reason": self.reason,
            "forced": list(self.forced),
            "gates": list(self.gates),
            "actor": self.actor,
            **({"analysis": self.analysis} if self.analysis is not None else {}),
        }


def record_line(record: AuditRecord) -> str:
    """The record as the one JSON line the log holds (with its newline)."""
    return (
        json.dumps(record.to_dict(), sort_keys=False, ensure_ascii=False, separators=(",", ":"))
        + "\n"
    )


def append_record(path: Path, record: AuditRecord) -> None:
    """Append one line in a single write (O_APPEND) and flush it to disk."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, record_line(record).encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def read_records(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as err:
            raise InputError(
                Problem(f"not a JSON audit record: {err.msg}", file=f"{path}:{number}")
            ) from None
    return records
