"""Running rules the two ways users run them: as `knstack check` does, and as CrossGuard does.

The CrossGuard side builds the arguments the way the policy SDK's analyzer server does
(pulumi_policy.policy._PolicyAnalyzerServicer.Analyze / AnalyzeStack): props go through a
protobuf Struct (so every number becomes a float) and the SDK's unknown-checking proxy.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format, struct_pb2
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import unknown_checking_proxy

from knstack.policy import CanaryStep, RuleContext, evaluate, get_rule
from knstack.policy.crossguard import crossguard_policies
from knstack.policy.engine import Judgement
from knstack.stack import StackSettings
from knstack.stack.policy_settings import PolicySettings
from knstack.vocabulary import group_of, name_of

Manifest = dict[str, Any]


@dataclass
class Setup:
    """What the environment says: `knstack:policy` settings and the other context."""

    policy: dict[str, Any] = field(default_factory=dict)  # camelCase, as in the stack file
    reserved_instances: bool = False
    canary_steps: list[dict[str, Any]] = field(default_factory=list)

    def context(self) -> RuleContext:
        steps = tuple(CanaryStep.model_validate(s) for s in self.canary_steps)
        return RuleContext(
            PolicySettings.model_validate(self.policy), self.reserved_instances, steps
        )

    def stack_settings(self) -> StackSettings:
        return StackSettings.model_validate(
            {"policy": self.policy, "reservedInstance": {"enabled": self.reserved_instances}}
        )


def check_path(rule_id: str, objects: Sequence[Manifest], setup: Setup) -> list[Judgement]:
    """The rule as `knstack check` runs it (`evaluate` over the objects of its scope)."""
    rule = get_rule(rule_id)
    ctx = setup.context()
    if rule.scope == "manifests":
        return evaluate([rule], ctx, manifests=objects)
    if rule.scope == "source":
        return evaluate([rule], ctx, sources=objects)
    return evaluate([rule], ctx, knative=objects)


def resource_type(manifest: Mapping[str, Any]) -> str:
    group = group_of(manifest) or "core"
    version = str(manifest["apiVersion"]).rpartition("/")[2]
    return f"kubernetes:{group}/{version}:{manifest['kind']}"


def engine_props(manifest: Mapping[str, Any]) -> Any:
    """Props as the analyzer server hands them to a policy."""
    struct = struct_pb2.Struct()
    struct.update(copy.deepcopy(dict(manifest)))
    return unknown_checking_proxy(deserialize_properties(json_format.MessageToDict(struct)))


def urn(manifest: Mapping[str, Any]) -> str:
    return f"urn:pulumi:prod::coffee-shop::{resource_type(manifest)}::{name_of(manifest)}"


def _options() -> PolicyResourceOptions:
    return PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0), [], None)


def crossguard_path(
    rule_id: str,
    objects: Sequence[Manifest],
    setup: Setup,
    *,
    config: Mapping[str, Any] | None = None,
    settings: StackSettings | None = None,
) -> list[tuple[str, str | None]]:
    """(message, urn) of every violation the rule's CrossGuard policy reports."""
    policies = {p.name: p for p in crossguard_policies(settings or setup.stack_settings())}
    policy = policies[rule_id]
    if config is None:
        config = {"canarySteps": setup.canary_steps} if setup.canary_steps else None
    reported: list[tuple[str, str | None]] = []

    def report(message: str, resource_urn: str | None = None) -> None:
        reported.append((message, resource_urn))

    if isinstance(policy, ResourceValidationPolicy):
        for obj in objects:
            args = ResourceValidationArgs(
                resource_type(obj),
                engine_props(obj),
                urn(obj),
                name_of(obj),
                _options(),
                None,
                config,
            )
            policy.validate(args, report)
    else:
        resources = [
            PolicyResource(
                resource_type(o),
                engine_props(o),
                urn(o),
                name_of(o),
                _options(),
                None,
                None,
                [],
                {},
            )
            for o in objects
        ]
        policy.validate(StackValidationArgs(resources, config), report)
    return reported
