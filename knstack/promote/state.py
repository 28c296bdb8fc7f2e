"""An environment's promotion state as read from disk: the stack file's text and settings,
its ledger, and which `knstack:releases` key a service goes by."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from knstack.components import load_environment_settings
from knstack.errors import InputError, Problem
from knstack.ledger import RevisionLedger, ledger_path, load_ledger
from knstack.stack import Project, StackSettings
from knstack.stack.loader import parse_yaml_mapping
from knstack.stack.release import Release


@dataclass(frozen=True)
class EnvState:
    name: str
    file: Path
    text: str  # the stack file, byte for byte
    settings: StackSettings
    ledger: RevisionLedger
    ledger_file: Path

    @property
    def clusters(self) -> list[str]:
        return [c.name for c in self.settings.clusters]

    def service_key(self, service: str) -> tuple[str, str]:
        """(the knstack:releases key, namespace/name) of a service given as `name` or
        `namespace/name`: an existing key is kept as written."""
        full = service if "/" in service else f"{self.settings.namespace}/{service}"
        for key in self.settings.releases:
            if (key if "/" in key else f"{self.settings.namespace}/{key}") == full:
                return key, full
        namespace, name = full.split("/", 1)
        return (name if namespace == self.settings.namespace else full), full

    def release(self, service: str) -> Release | None:
        return self.settings.releases.get(self.service_key(service)[0])


def load_state(project: Project, env: str, text: str | None = None) -> EnvState:
    """The environment as its files say (or as `text`, a proposed stack file, says)."""
    path = project.stack_file(env)
    if text is None:
        if not path.is_file():
            known = ", ".join(project.environments()) or "none"
            raise InputError(
                Problem(
                    f"no stack file for environment {env!r} (environments: {known})", file=str(path)
                )
            )
        text = path.read_text(encoding="utf-8")
    settings = load_environment_settings(project, env, data=stack_data(text, path)).settings
    ledger_file = ledger_path(project.stacks_dir, env)
    return EnvState(env, path, text, settings, load_ledger(ledger_file, env), ledger_file)


def stack_data(text: str, path: Path) -> dict[str, Any]:
    """A stack file's content (as it would be after an edit), parsed with the loader's rules."""
    return parse_yaml_mapping(text, path)
