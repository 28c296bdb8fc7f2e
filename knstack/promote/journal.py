"""One promotion step's files (ledger, stack file, audit line) published as one unit.

A step changes up to three files. Each is written atomically, but a process killed
between two of them would leave them mismatched (a ledger entry without its release, a
release without its audit line). So the step first writes a journal, `stacks/.pending-step.json`
(atomically), holding every file's new content and the audit line; then it publishes each
file; then it removes the journal. The next run that takes the promotion lock finds a
journal left by a killed run and finishes it (the writes are idempotent: files are replaced
whole and the audit line is appended only when the log does not end with it), saying so.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from knstack.errors import InputError, Problem
from knstack.fsutil import atomic_write_text

JOURNAL_FILE = ".pending-step.json"


def journal_path(stacks_dir: Path) -> Path:
    return stacks_dir / JOURNAL_FILE


@dataclass(frozen=True)
class PendingStep:
    """The new content of each file a step changes, and the audit line it appends."""

    summary: str
    files: dict[str, str]  # path relative to the stacks directory -> new text
    audit_file: str
    audit_line: str  # one JSON line, with its newline

    def to_json(self) -> str:
        return json.dumps(
            {
                "summary": self.summary,
                "files": self.files,
                "audit": {"file": self.audit_file, "line": self.audit_line},
            },
            ensure_ascii=False,
            sort_keys=True,
        )


def commit_step(stacks_dir: Path, step: PendingStep) -> None:
    """Journal the step, publish every file, append the audit line, drop the journal."""
    _write_journal(journal_path(stacks_dir), step.to_json() + "\n")
    _publish(stacks_dir, step)
    _remove_journal(journal_path(stacks_dir))


def recover_pending(stacks_dir: Path, notify: Callable[[str], None] | None = None) -> str | None:
    """Finish a step a killed run journaled but did not complete; the message said, or None.

    Call with the promotion lock held (knstack/promote/lock.py), before reading any state.
    """
    path = journal_path(stacks_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    step = _parse_journal(text, path)
    _publish(stacks_dir, step)
    _remove_journal(path)
    message = (
        f"an earlier run was interrupted while writing its step ({step.summary}); "
        f"finished it from {path.name}: {', '.join(sorted(step.files))} and the audit log "
        "now agree"
    )
    if notify is not None:
        notify(message)
    return message


def _publish(stacks_dir: Path, step: PendingStep) -> None:
    for relative, text in sorted(step.files.items()):
        _write_file(stacks_dir / relative, text)
    _append_once(stacks_dir / step.audit_file, step.audit_line)


def _parse_journal(text: str, path: Path) -> PendingStep:
    try:
        data = json.loads(text)
        step = PendingStep(
            summary=str(data["summary"]),
            files={str(k): str(v) for k, v in data["files"].items()},
            audit_file=str(data["audit"]["file"]),
            audit_line=str(data["audit"]["line"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InputError(
            Problem(
                "unreadable pending-step journal (not written by knstack?): check the stack "
                "files, ledger and audit log by hand, then delete it",
                file=str(path),
            )
        ) from None
    for relative in [*step.files, step.audit_file]:
        if Path(relative).is_absolute() or ".." in Path(relative).parts or "/" in relative:
            raise InputError(
                Problem(
                    f"journal names a file outside the stacks directory: {relative!r}",
                    file=str(path),
                )
            )
    return step


def _append_once(path: Path, line: str) -> None:
    """Append `line` unless the file already ends with it (a replayed journal)."""
    if _ends_with(path, line.encode("utf-8")):
        return
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _ends_with(path: Path, data: bytes) -> bool:
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            if size < len(data):
                return False
            handle.seek(size - len(data))
            return handle.read() == data
    except FileNotFoundError:
        return False


# The individual writes, by name, so a test can stop the process between any two of them
# (tests/promote/test_journal.py).
def _write_journal(path: Path, text: str) -> None:
    atomic_write_text(path, text)


def _write_file(path: Path, text: str) -> None:
    atomic_write_text(path, text)


def _remove_journal(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
