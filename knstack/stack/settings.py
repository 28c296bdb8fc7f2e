"""Typed environment settings: the `knstack:` keys of `stacks/Pulumi.<env>.yaml`.

One model, used by every path (render, Pulumi program, checks, promotion). Keys are
camelCase in YAML, snake_case in Python; unknown keys are rejected so typos surface.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from knstack.api.context import FEATURE_DEFAULTS, FEATURE_VALUES, ServingContext
from knstack.api.core import ResourceRequirements
from knstack.api.validation.names import dns1123_label_error, dns1123_subdomain_error
from knstack.stack.policy_settings import PolicySettings

Backend = Literal["kubernetes", "knative"]
GatewayKind = Literal["gateway-api"]


class SettingsModel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, validate_by_name=True, validate_by_alias=True, extra="forbid")


class GatewayRef(SettingsModel):
    """The gateway external routes attach to, and how traffic is split through it."""

    kind: GatewayKind = "gateway-api"
    name: str = "knstack-gateway"
    namespace: str = "knstack-system"
    section_name: str | None = None


class WorkloadDefaults(SettingsModel):
    """Applied to user containers that leave them unset (like config-defaults revision-*)."""

    resources: ResourceRequirements | None = None


class ReservedInstanceSettings(SettingsModel):
    """A low-spec pod kept instead of scaling to zero (the ASK approach): no cold start.

    `enabled` is the default for revisions that may scale to zero; a template's
    `knstack.dev/reserved-instance` annotation overrides it. `resources` sizes the pod.
    """

    enabled: bool = False
    resources: ResourceRequirements = Field(
        default_factory=lambda: ResourceRequirements(
            requests={"cpu": "25m", "memory": "64Mi"}, limits={"cpu": "250m", "memory": "128Mi"}
        )
    )


class Cluster(SettingsModel):
    """One target cluster of an environment; optional overrides replace environment values."""

    name: str
    context: str | None = None  # kubeconfig context used by the Pulumi provider
    domain: str | None = None
    gateway: GatewayRef | None = None

    @field_validator("name")
    @classmethod
    def _name_is_label(cls, value: str) -> str:
        if err := dns1123_label_error(value):
            raise ValueError(err)
        return value


class StackSettings(SettingsModel):
    """Everything knstack needs to know about one environment."""

    backend: Backend = "kubernetes"
    namespace: str = "default"
    domain: str = "example.com"
    gateway: GatewayRef = Field(default_factory=GatewayRef)
    kubernetes_version: str = "1.33.0"
    clusters: list[Cluster] = Field(default_factory=lambda: [Cluster(name="default")])
    defaults: WorkloadDefaults = Field(default_factory=WorkloadDefaults)
    features: dict[str, str] = Field(default_factory=dict)
    reserved_instance: ReservedInstanceSettings = Field(default_factory=ReservedInstanceSettings)
    manage_namespaces: bool = True  # render the Namespace objects (with Pod Security labels)
    policy: PolicySettings = Field(default_factory=PolicySettings)  # how strict `knstack check` is

    @field_validator("namespace")
    @classmethod
    def _namespace_is_label(cls, value: str) -> str:
        if err := dns1123_label_error(value):
            raise ValueError(err)
        return value

    @field_validator("domain")
    @classmethod
    def _domain_is_subdomain(cls, value: str) -> str:
        if err := dns1123_subdomain_error(value):
            raise ValueError(err)
        return value

    @field_validator("features")
    @classmethod
    def _known_features(cls, value: dict[str, str]) -> dict[str, str]:
        for name, state in value.items():
            if name not in FEATURE_DEFAULTS:
                raise ValueError(f"unknown Knative feature {name!r}")
            if state not in FEATURE_VALUES:
                raise ValueError(f"feature {name!r}: {state!r} is not one of {', '.join(FEATURE_VALUES)}")
        return value

    @model_validator(mode="after")
    def _unique_clusters(self) -> StackSettings:
        names = [c.name for c in self.clusters]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate cluster names: {', '.join(duplicates)}")
        if not self.clusters:
            raise ValueError("at least one cluster is required")
        return self

    def serving_context(self) -> ServingContext:
        return ServingContext().with_features(self.features)

    def cluster(self, name: str) -> Cluster:
        for cluster in self.clusters:
            if cluster.name == name:
                return cluster
        raise KeyError(name)


class ClusterSettings(BaseModel):
    """The effective settings for one cluster: environment values with its overrides applied."""

    model_config = ConfigDict(frozen=True)

    environment: str
    cluster: str
    stack: StackSettings
    domain: str
    gateway: GatewayRef

    @property
    def namespace(self) -> str:
        return self.stack.namespace


def effective_cluster_settings(env: str, stack: StackSettings, cluster: Cluster) -> ClusterSettings:
    return ClusterSettings(
        environment=env,
        cluster=cluster.name,
        stack=stack,
        domain=cluster.domain or stack.domain,
        gateway=cluster.gateway or stack.gateway,
    )


def settings_schema() -> dict[str, Any]:
    """JSON Schema of the `knstack:` settings (for editors and for CI checks)."""
    return StackSettings.model_json_schema(by_alias=True)
