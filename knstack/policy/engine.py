"""Running rules over objects, with waivers: the one evaluation both paths share.

`knstack check` calls `evaluate` per cluster; the CrossGuard adapter calls `judge` for one
rule and the objects Pulumi hands it. Either way a violation on an object that waives the
rule (with a reason) is marked waived, never silently dropped by the rule itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from knstack.api.waivers import MIN_REASON_LENGTH, waivers
from knstack.expand.knative.pod_security import environment_secure_pod_defaults
from knstack.policy.model import DISABLED, CanaryStep, Level, Manifest, Rule, RuleContext, Violation
from knstack.stack.settings import StackSettings
from knstack.vocabulary import annotations_of


@dataclass(frozen=True)
class Judgement:
    rule: Rule
    level: Level
    violation: Violation
    waiver: str | None  # the reason, when the object waives the rule

    @property
    def waived(self) -> bool:
        return self.waiver is not None


def context_for(settings: StackSettings, canary_steps: Sequence[CanaryStep] = ()) -> RuleContext:
    """The rule context of an environment: its policy settings and the defaults rules depend on."""
    return RuleContext(
        settings=settings.policy,
        reserved_instances=settings.reserved_instance.enabled,
        canary_steps=tuple(canary_steps),
        secure_pod_defaults=environment_secure_pod_defaults(settings),
    )


def waiver_reason(obj: Manifest, rule_id: str) -> str | None:
    """The object's waiver of a rule, if it gives a real reason."""
    reason = waivers(dict(annotations_of(obj))).get(rule_id)
    if reason is None or len(reason.strip()) < MIN_REASON_LENGTH:
        return None
    return reason.strip()


def judge(rule: Rule, objects: Sequence[Manifest], ctx: RuleContext) -> list[Judgement]:
    """One rule over a set of objects, at the level the context gives it."""
    level = ctx.level(rule)
    if level == DISABLED:
        return []
    if rule.check is not None:
        violations = [v for obj in objects if rule.applies_to(obj) for v in rule.check(obj, ctx)]
    else:
        assert rule.check_stack is not None
        violations = list(rule.check_stack(objects, ctx))
    return [Judgement(rule, level, v, waiver_reason(v.subject, rule.id)) for v in violations]


def evaluate(
    rules: Sequence[Rule],
    ctx: RuleContext,
    *,
    manifests: Sequence[Manifest] = (),
    knative: Sequence[Manifest] = (),
    sources: Sequence[Manifest] = (),
    scopes: frozenset[str] = frozenset({"manifests", "knative", "release", "source"}),
) -> list[Judgement]:
    """Every rule of the given scopes over the objects of its scope."""
    by_scope = {"manifests": manifests, "source": sources}
    out: list[Judgement] = []
    for rule in rules:
        if rule.scope not in scopes:
            continue
        objects = by_scope.get(rule.scope, knative)
        out += judge(rule, objects, ctx)
    return out
