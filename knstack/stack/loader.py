"""Find the project and read environment settings from Pulumi stack files.

The project root is the directory holding `Pulumi.yaml`; its `stackConfigDir` (default:
the root) holds `Pulumi.<env>.yaml`. knstack reads the `knstack:` keys of a stack's
`config:` block; the other keys belong to Pulumi and its providers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from knstack.errors import InputError, Problem
from knstack.stack.settings import StackSettings
from knstack.yamlio import load_yaml

CONFIG_NAMESPACE = "knstack"


@dataclass(frozen=True)
class Project:
    root: Path
    name: str
    stacks_dir: Path

    def stack_file(self, env: str) -> Path:
        return self.stacks_dir / f"Pulumi.{env}.yaml"

    def environments(self) -> list[str]:
        return sorted(
            p.name[len("Pulumi.") : -len(".yaml")] for p in self.stacks_dir.glob("Pulumi.*.yaml")
        )


@dataclass(frozen=True)
class Environment:
    name: str
    file: Path
    settings: StackSettings


def find_project(start: Path | None = None) -> Project:
    """The nearest directory at or above `start` that holds a Pulumi.yaml."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "Pulumi.yaml").is_file():
            return read_project(candidate)
    raise InputError(
        Problem(
            f"no Pulumi.yaml found in {here} or its parents; run knstack inside a knstack project or pass --project-dir"
        )
    )


def read_project(root: Path) -> Project:
    path = root / "Pulumi.yaml"
    data = _read_yaml_mapping(path)
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise InputError(Problem("is required", file=str(path), obj="Pulumi project", field="name"))
    stack_dir = data.get("stackConfigDir", ".")
    if not isinstance(stack_dir, str):
        raise InputError(
            Problem(
                "must be a directory path",
                file=str(path),
                obj="Pulumi project",
                field="stackConfigDir",
            )
        )
    return Project(root=root, name=name, stacks_dir=(root / stack_dir).resolve())


def load_environment(
    project: Project,
    env: str,
    defaults: dict[str, Any] | None = None,
    *,
    data: dict[str, Any] | None = None,
) -> Environment:
    """The environment's settings; `defaults` (keys of `knstack:`) lie under the stack file's.

    `data` is the stack file's content to use instead of reading it (a promotion checks the
    state it proposes before writing it).
    """
    path = project.stack_file(env)
    if data is None:
        if not path.is_file():
            known = ", ".join(project.environments()) or "none"
            raise InputError(
                Problem(
                    f"no stack file for environment {env!r} (environments: {known})", file=str(path)
                )
            )
        data = _read_yaml_mapping(path)
    config = data.get("config") or {}
    if not isinstance(config, dict):
        raise InputError(
            Problem("must be a mapping", file=str(path), obj=f"stack {env}", field="config")
        )
    return Environment(env, path, parse_settings(config, str(path), env, defaults))


def parse_settings(
    config: dict[str, Any], file: str, env: str, defaults: dict[str, Any] | None = None
) -> StackSettings:
    """Collect the `knstack:<key>` entries of a Pulumi config block into StackSettings."""
    raw: dict[str, Any] = {}
    for key, value in config.items():
        namespace, sep, name = str(key).partition(":")
        if sep and namespace == CONFIG_NAMESPACE:
            raw[name] = value
    raw = deep_merge(defaults or {}, raw)
    try:
        return StackSettings.model_validate(raw)
    except ValidationError as err:
        problems = []
        for error in err.errors():
            loc = list(error["loc"])
            head = f'config."knstack:{loc[0]}"' if loc else "config"
            rest = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:])
            message = (
                "unknown setting (check the spelling)"
                if error["type"] == "extra_forbidden"
                else error["msg"]
            )
            message = message.removeprefix("Value error, ")
            problems.append(Problem(message, file=file, obj=f"stack {env}", field=head + rest))
        raise InputError(problems) from None


def deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """`overlay` laid over `base`: mappings merge key by key, everything else is replaced."""
    out = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _read_yaml_mapping(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Problem("file not found", file=str(path))) from None
    return parse_yaml_mapping(text, path)


def parse_yaml_mapping(text: str, path: Path) -> dict[str, Any]:
    """A YAML file that must hold one mapping (Pulumi.yaml, a stack file), errors naming it."""
    try:
        data = load_yaml(text, str(path))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise InputError(
            Problem(f"invalid YAML: {getattr(err, 'problem', err)}", file=where)
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(Problem("must be a YAML mapping", file=str(path)))
    return data
