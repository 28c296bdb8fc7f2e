"""Reading and writing ledger files (`stacks/<env>.ledger.yaml`), atomically."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from knstack.errors import InputError, Problem, field_path
from knstack.fsutil import atomic_write_text
from knstack.ledger.model import RevisionLedger
from knstack.yamlio import dump_yaml, load_yaml

HEADER = (
    "# knstack revision ledger for environment {env!r}.\n"
    "# Written by knstack: entries are appended, never rewritten. Commit this file;\n"
    "# renders and promotions read revision history from it.\n"
)


def ledger_path(stacks_dir: Path, env: str) -> Path:
    return stacks_dir / f"{env}.ledger.yaml"


def load_ledger(path: Path, env: str) -> RevisionLedger:
    """The ledger at `path`, or an empty one when the file does not exist yet."""
    if not path.exists():
        return RevisionLedger(environment=env)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), str(path))
    except yaml.YAMLError as err:
        raise InputError(
            Problem(f"invalid YAML in the revision ledger: {err}", file=str(path))
        ) from None
    try:
        ledger = RevisionLedger.model_validate(data or {"environment": env})
    except ValidationError as err:
        raise InputError(
            [
                Problem(e["msg"], file=str(path), obj="RevisionLedger", field=field_path(e["loc"]))
                for e in err.errors()
            ]
        ) from None
    if ledger.environment != env:
        raise InputError(
            Problem(
                f"this ledger belongs to environment {ledger.environment!r}, not {env!r}",
                file=str(path),
                obj="RevisionLedger",
                field="environment",
            )
        )
    return ledger


def ledger_text(ledger: RevisionLedger) -> str:
    """The ledger file's content."""
    return HEADER.format(env=ledger.environment) + dump_yaml(ledger.to_document())


def save_ledger(path: Path, ledger: RevisionLedger) -> None:
    atomic_write_text(path, ledger_text(ledger))
