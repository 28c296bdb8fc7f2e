"""What a rule is, what it returns, and what it is given.

A rule is a pure function over objects: Kubernetes manifests as rendered, or Knative
objects, as plain dicts in API form (camelCase). The same function serves `knstack check`
(objects from `knstack.build`) and the CrossGuard pack (objects from resource props).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from knstack.stack.policy_settings import Level as Level
from knstack.stack.policy_settings import PolicySettings
from knstack.vocabulary import Manifest as Manifest
from knstack.vocabulary import kind_key

MANDATORY: Level = "mandatory"
ADVISORY: Level = "advisory"
DISABLED: Level = "disabled"

# Where a rule looks:
#   manifests - the rendered objects (what a cluster receives; what CrossGuard sees);
#   knative   - Knative objects: the resolved plan in `knstack check`, Knative CRs in CrossGuard
#               (facts the kubernetes backend does not keep, such as containerConcurrency);
#   release   - a release step (canary percents), given as `CanaryStep`s;
#   source    - the Knative Services, Configurations and Routes as the user wrote them.
Scope = Literal["manifests", "knative", "release", "source"]
ANY_KIND = "*"


@dataclass(frozen=True)
class Violation:
    """One thing a rule found: the object at fault, the field, and what is wrong."""

    subject: Manifest  # names the object and carries its waivers
    field: str  # path inside the subject, e.g. spec.template.spec.containers[0].image
    message: str


class CanaryStep(BaseModel):
    """One canary move of a service: the candidate's traffic percent before and after.

    The release state (stable and candidate revision and stage per service) produces these;
    the canary rule judges them. `service` is "<namespace>/<name>".
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    service: str
    previous: int = Field(ge=0, le=100)
    next: int = Field(ge=0, le=100)

    @field_validator("service")
    @classmethod
    def _namespaced(cls, value: str) -> str:
        namespace, sep, name = value.partition("/")
        if not sep or not namespace or not name:
            raise ValueError(f"{value!r}: give the service as <namespace>/<name>")
        return value


@dataclass(frozen=True)
class RuleContext:
    """The environment a rule judges against."""

    settings: PolicySettings = field(default_factory=PolicySettings)
    # The environment's default for knstack.dev/reserved-instance (no scale to zero).
    reserved_instances: bool = False
    canary_steps: tuple[CanaryStep, ...] = ()
    # Knative's config-features secure-pod-defaults (disabled, root-allowed, enabled): how
    # Knative completes the securityContext of the revision pods it creates.
    secure_pod_defaults: str = "disabled"

    def level(self, rule: Rule) -> Level:
        return self.settings.level(rule.id, rule.severity)


ObjectCheck = Callable[[Manifest, RuleContext], Iterable[Violation]]
StackCheck = Callable[[Sequence[Manifest], RuleContext], Iterable[Violation]]


@dataclass(frozen=True)
class Rule:
    id: str
    concern: str  # the module that groups it: traffic, images, security, ...
    title: str  # what must hold, in one line
    severity: Level  # default level; environments override it (knstack:policy rules)
    fix: str  # how to make the finding go away
    rationale: str  # why the rule exists
    scope: Scope
    kinds: frozenset[str]  # kind keys ("apps/Deployment", "/Service") of the objects it judges
    settings: tuple[str, ...] = ()  # PolicySettings fields (and context fields) it reads
    check: ObjectCheck | None = None  # judges one object at a time
    check_stack: StackCheck | None = None  # judges all objects together

    @property
    def per_object(self) -> bool:
        return self.check is not None

    def applies_to(self, obj: Manifest) -> bool:
        return ANY_KIND in self.kinds or kind_key(obj) in self.kinds
