"""The knstack rules as Pulumi CrossGuard policies (wrapped, never rewritten).

Each rule that judges one object becomes a ResourceValidationPolicy over Kubernetes
resources (the props are the manifest); each rule that judges objects together becomes a
StackValidationPolicy. Settings come, in this order, from the rule defaults, the stack's
own `knstack:` config (Pulumi hands it to policy packs in PULUMI_CONFIG), and the pack
config (`--policy-pack-config`: an `enforcementLevel` and the rule's settings by their
stack-file names, e.g. `{"image-digest": {"requireImageDigests": true}}`). Release rules
read their canary steps from the pack config (`canarySteps`).

Building a PolicyPack starts a server that never returns (tooling facts A3), so this
module only makes policies; `policies/__main__.py` builds the pack.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)

from knstack.components import platform_defaults
from knstack.errors import InputError
from knstack.policy.engine import context_for, judge
from knstack.policy.model import MANDATORY, CanaryStep, Manifest, Rule, RuleContext, Violation
from knstack.policy.registry import all_rules
from knstack.stack.loader import CONFIG_NAMESPACE, find_project, parse_settings
from knstack.stack.policy_settings import PolicySettings
from knstack.stack.settings import StackSettings
from knstack.vocabulary import identity, ref

PACK_NAME = "knstack"
# Pulumi packages whose resource types are components or tools, not Kubernetes objects.
_NOT_OBJECTS = frozenset({"yaml", "helm.sh", "kustomize"})
# Context fields a rule may read besides PolicySettings, with their pack-config schema.
_CONTEXT_SCHEMAS: dict[str, tuple[str, dict[str, Any]]] = {
    "reserved_instances": ("reservedInstances", {"type": "boolean"}),
    "canary_steps": (
        "canarySteps",
        {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "service": {"type": "string"},
                    "previous": {"type": "integer", "minimum": 0, "maximum": 100},
                    "next": {"type": "integer", "minimum": 0, "maximum": 100},
                },
                "required": ["service", "previous", "next"],
                "additionalProperties": False,
            },
        },
    ),
}


def plain(value: Any) -> Any:
    """Resource props (read-only proxies that raise on unknown values) as plain data."""
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [plain(v) for v in value]
    return value


def manifest_from_resource(resource_type: str, props: Mapping[str, Any]) -> Manifest | None:
    """A Kubernetes resource's declared object, or None for other resources.

    `kubernetes:apps/v1:Deployment` -> apiVersion apps/v1, kind Deployment. Stack policies
    get outputs (the live object, with server defaults); pulumi-kubernetes keeps what the
    program declared in `__inputs`, which is what the rules judge.
    """
    package, _, rest = resource_type.partition(":")
    module, _, kind = rest.partition(":")
    group, slash, version = module.partition("/")
    if package != "kubernetes" or not slash or not kind or group in _NOT_OBJECTS:
        return None
    source = props.get("__inputs") if isinstance(props.get("__inputs"), Mapping) else props
    manifest: Manifest = plain(source)
    manifest.setdefault("apiVersion", version if group == "core" else f"{group}/{version}")
    manifest.setdefault("kind", kind)
    return manifest


def stack_settings_from_environment(
    environ: Mapping[str, str] | None = None, project_dir: Path | None = None
) -> StackSettings:
    """The stack's `knstack:` settings as Pulumi passes config to policy packs (or defaults).

    With `project_dir` inside a knstack project, the components' `knative_platform` lies
    under the stack config, as `knstack.build` lays it (the Knative install and config the
    rules judge against, e.g. secure-pod-defaults, can come from there).
    """
    environ = os.environ if environ is None else environ
    raw = environ.get("PULUMI_CONFIG")
    if not raw:
        return StackSettings()
    config = {
        key: _decoded(value)
        for key, value in json.loads(raw).items()
        if key.startswith(CONFIG_NAMESPACE + ":")
    }
    env = environ.get("PULUMI_STACK", "(stack)")
    defaults = _components_platform(project_dir, env) if project_dir is not None else None
    return parse_settings(config, "Pulumi stack config", env, defaults)


def _components_platform(project_dir: Path, env: str) -> dict[str, Any] | None:
    try:
        project = find_project(project_dir)
        return platform_defaults(project.root, env)
    except InputError:
        # Outside a knstack project: the stack config alone. (A broken platform also fails
        # the Pulumi program itself, which says why.)
        return None


def _decoded(value: Any) -> Any:
    """Pulumi passes structured config values as JSON text."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def context_with_config(base: RuleContext, config: Mapping[str, Any] | None) -> RuleContext:
    """The stack's context with one policy's pack config applied on top."""
    if not config:
        return base
    config = plain(config)
    aliases = {field.alias or name for name, field in PolicySettings.model_fields.items()}
    overrides = {key: value for key, value in config.items() if key in aliases}
    settings = PolicySettings.model_validate(
        {**base.settings.model_dump(by_alias=True), **overrides}
    )
    steps = (
        tuple(CanaryStep.model_validate(step) for step in config.get("canarySteps", ()))
        or base.canary_steps
    )
    return RuleContext(
        settings=settings,
        reserved_instances=bool(config.get("reservedInstances", base.reserved_instances)),
        canary_steps=steps,
        secure_pod_defaults=base.secure_pod_defaults,
    )


def config_schema(rule: Rule) -> PolicyConfigSchema | None:
    """The pack-config properties of a rule: the settings it reads, by their stack-file names."""
    schema = PolicySettings.model_json_schema(by_alias=True)
    definitions = schema.get("$defs", {})
    properties: dict[str, dict[str, Any]] = {}
    for name in rule.settings:
        if name in _CONTEXT_SCHEMAS:
            alias, prop = _CONTEXT_SCHEMAS[name]
        else:
            alias = PolicySettings.model_fields[name].alias or name
            prop = _inline(schema["properties"][alias], definitions)
        properties[alias] = prop
    return PolicyConfigSchema(properties) if properties else None


def _inline(node: Any, definitions: Mapping[str, Any]) -> Any:
    """JSON schema without $ref (policy config schemas are single objects) and without defaults.

    Pulumi fills in schema defaults, which would then override the stack's own settings.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            return _inline(definitions[node["$ref"].rsplit("/", 1)[1]], definitions)
        return {
            k: _inline(v, definitions) for k, v in node.items() if k not in ("title", "default")
        }
    if isinstance(node, list):
        return [_inline(v, definitions) for v in node]
    return node


def violation_message(violation: Violation, rule: Rule) -> str:
    return (
        f"{ref(violation.subject)}: field {violation.field}: {violation.message}. Fix: {rule.fix}"
    )


def _report(
    rule: Rule,
    objects: Sequence[Manifest],
    ctx: RuleContext,
    report: ReportViolation,
    urns: Mapping[tuple[str, str, str], str],
) -> None:
    for judgement in judge(rule, objects, ctx):
        if not judgement.waived:
            report(
                violation_message(judgement.violation, rule),
                urns.get(identity(judgement.violation.subject)),
            )


def _resource_validation(
    rule: Rule, base: RuleContext
) -> Callable[[ResourceValidationArgs, ReportViolation], None]:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        obj = manifest_from_resource(args.resource_type, args.props)
        if obj is None or not rule.applies_to(obj):
            return
        _report(rule, [obj], context_with_config(base, args.get_config()), report_violation, {})

    return validate


def _stack_validation(
    rule: Rule, base: RuleContext
) -> Callable[[StackValidationArgs, ReportViolation], None]:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        objects: list[Manifest] = []
        urns: dict[tuple[str, str, str], str] = {}
        for resource in args.resources:
            obj = manifest_from_resource(resource.resource_type, resource.props)
            if obj is not None:
                objects.append(obj)
                urns.setdefault(identity(obj), resource.urn)
        _report(rule, objects, context_with_config(base, args.get_config()), report_violation, urns)

    return validate


def crossguard_policies(
    settings: StackSettings | None = None,
) -> list[ResourceValidationPolicy | StackValidationPolicy]:
    """One policy per rule, named by the rule id, at the environment's level for it."""
    if settings is None:
        # Pulumi starts the pack in its own directory, inside the project it checks.
        settings = stack_settings_from_environment(project_dir=Path.cwd())
    base = context_for(settings)
    policies: list[ResourceValidationPolicy | StackValidationPolicy] = []
    for rule in all_rules():
        common: dict[str, Any] = {
            "name": rule.id,
            "description": rule.title,
            "enforcement_level": EnforcementLevel(base.level(rule)),
            "config_schema": config_schema(rule),
            "severity": Severity.HIGH if rule.severity == MANDATORY else Severity.LOW,
            "tags": ["knstack", rule.concern],
            "remediation_steps": rule.fix,
        }
        if rule.per_object:
            policies.append(
                ResourceValidationPolicy(validate=_resource_validation(rule, base), **common)
            )
        else:
            policies.append(StackValidationPolicy(validate=_stack_validation(rule, base), **common))
    return policies


def pack_config(settings: StackSettings) -> dict[str, dict[str, Any]]:
    """`--policy-pack-config` content equivalent to an environment's settings.

    For running the pack where the stack's own config is not available (another project,
    `pulumi policy` in a service): every policy's level and the settings it reads.
    """
    ctx = context_for(settings)
    out: dict[str, dict[str, Any]] = {}
    dumped = settings.policy.model_dump(by_alias=True, mode="json")
    for rule in all_rules():
        entry: dict[str, Any] = {"enforcementLevel": ctx.level(rule)}
        for name in rule.settings:
            if name == "reserved_instances":
                entry["reservedInstances"] = ctx.reserved_instances
            elif name in PolicySettings.model_fields:
                alias = PolicySettings.model_fields[name].alias or name
                entry[alias] = dumped[alias]
        out[rule.id] = entry
    return out
