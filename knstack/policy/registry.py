"""The rule catalogue: rules register themselves where they are defined.

    @rule(id="image-no-latest", severity=MANDATORY, kinds=WORKLOADS, title=..., fix=..., ...)
    def image_no_latest(obj, ctx): yield Violation(...)

A rule's concern is the name of the module that defines it (traffic, images, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from knstack.policy.model import Level, Rule, Scope

_RULES: dict[str, Rule] = {}


def rule(
    *,
    id: str,
    title: str,
    severity: Level,
    fix: str,
    rationale: str,
    kinds: Iterable[str],
    scope: Scope = "manifests",
    settings: tuple[str, ...] = (),
    stack: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as a rule (`stack=True`: it judges all objects at once)."""

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        if id in _RULES:
            raise ValueError(f"rule {id!r} is defined twice")
        _RULES[id] = Rule(
            id=id,
            concern=fn.__module__.rpartition(".")[2],
            title=title,
            severity=severity,
            fix=fix,
            rationale=rationale,
            scope=scope,
            kinds=frozenset(kinds),
            settings=settings,
            check=None if stack else fn,
            check_stack=fn if stack else None,
        )
        return fn

    return register


def all_rules() -> tuple[Rule, ...]:
    """Every rule, in catalogue order (by concern, then as defined)."""
    from knstack.policy.rules import CONCERNS  # defining the rules registers them

    order = {concern: index for index, concern in enumerate(CONCERNS)}
    defined = list(_RULES.values())
    return tuple(
        sorted(defined, key=lambda r: (order.get(r.concern, len(order)), defined.index(r)))
    )


def get_rule(rule_id: str) -> Rule:
    for candidate in all_rules():
        if candidate.id == rule_id:
            return candidate
    raise KeyError(rule_id)
