"""The promotion chain: which environment feeds which (`knstack:promotion.from`).

Environments without `from` record templates from the components themselves; the others
receive revisions only by promotion from the one they name. The chain is read from the
stack files alone (no build), so a broken environment elsewhere does not stop it.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from knstack.errors import InputError, Problem
from knstack.stack import Project
from knstack.yamlio import load_yaml

FIELD = 'config."knstack:promotion".from'


@dataclass(frozen=True)
class Chain:
    sources: dict[str, str | None]  # environment -> the environment it is promoted from

    def upstream(self, env: str) -> str | None:
        return self.sources.get(env)

    def downstream(self, env: str) -> list[str]:
        return sorted(e for e, source in self.sources.items() if source == env)

    def in_chain(self, env: str) -> bool:
        """Fed by promotion, or feeding another environment."""
        return self.sources.get(env) is not None or bool(self.downstream(env))

    def order(self) -> list[str]:
        """Environments in promotion order (each after the one it is fed by), then the
        environments outside any chain, each group by name."""
        ordered: list[str] = []
        roots = sorted(e for e, s in self.sources.items() if s is None and self.in_chain(e))
        queue = list(roots)
        while queue:
            env = queue.pop(0)
            ordered.append(env)
            queue.extend(self.downstream(env))
        return ordered + sorted(e for e in self.sources if e not in ordered)


def read_chain(project: Project) -> Chain:
    sources: dict[str, str | None] = {}
    problems: list[Problem] = []
    environments = project.environments()
    for env in environments:
        path = project.stack_file(env)
        try:
            data = load_yaml(path.read_text(encoding="utf-8"), str(path)) or {}
        except yaml.YAMLError as err:
            raise InputError(
                Problem(f"invalid YAML: {getattr(err, 'problem', err)}", file=str(path))
            ) from None
        config = data.get("config") if isinstance(data, dict) else None
        promotion = (config or {}).get("knstack:promotion") if isinstance(config, dict) else None
        source = promotion.get("from") if isinstance(promotion, dict) else None
        if source is not None and source not in environments:
            problems.append(
                Problem(
                    f"no environment {source!r} (environments: {', '.join(environments)})",
                    file=str(path),
                    obj=f"stack {env}",
                    field=FIELD,
                )
            )
        sources[env] = source if isinstance(source, str) else None
    for env in environments:
        seen = [env]
        current = sources.get(env)
        while current is not None and current in sources:
            if current in seen:
                problems.append(
                    Problem(
                        f"promotion goes round in a circle: {' <- '.join([*seen, current])}",
                        file=str(project.stack_file(env)),
                        obj=f"stack {env}",
                        field=FIELD,
                    )
                )
                break
            seen.append(current)
            current = sources.get(current)
    if problems:
        raise InputError(problems)
    return Chain(sources)
