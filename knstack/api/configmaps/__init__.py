"""Knative Serving's ConfigMaps as typed, validated models.

`ServingConfig` holds one model per ConfigMap. Both backends validate user objects against
it (via `knstack.api.context.ServingContext`), and the knative backend installs it, so the
two never disagree. In YAML each ConfigMap is named as the Knative Operator names it, with
or without the `config-` prefix (`autoscaler:` or `config-autoscaler:`), and its keys are
Knative's own keys.
"""

from __future__ import annotations

from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from knstack.api.configmaps.autoscaler import AutoscalerConfig
from knstack.api.configmaps.base import (
    CHECKSUM_ANNOTATION,
    EXAMPLE_KEY,
    ConfigMapModel,
    example_checksum,
)
from knstack.api.configmaps.certmanager import CertManagerConfig
from knstack.api.configmaps.defaults import DefaultsConfig
from knstack.api.configmaps.deployment import DeploymentConfig
from knstack.api.configmaps.domain import DomainConfig, DomainRule
from knstack.api.configmaps.features import FEATURE_DEFAULTS, FLAG_VALUES, FeaturesConfig
from knstack.api.configmaps.gc import GCConfig
from knstack.api.configmaps.kourier import KourierConfig
from knstack.api.configmaps.leader_election import LeaderElectionConfig
from knstack.api.configmaps.logging import LoggingConfig
from knstack.api.configmaps.network import NetworkConfig
from knstack.api.configmaps.observability import ObservabilityConfig
from knstack.api.configmaps.tracing import TracingConfig


def _configmap(model: type[Any], short: str) -> Any:
    return Field(
        default_factory=model,
        validation_alias=AliasChoices(short, f"config-{short}"),
        serialization_alias=short,
    )


class ServingConfig(BaseModel):
    """Every ConfigMap of knative-serving that users tune; unset ones keep Knative's defaults."""

    model_config = ConfigDict(extra="forbid", validate_by_name=True, frozen=True)

    autoscaler: AutoscalerConfig = _configmap(AutoscalerConfig, "autoscaler")
    certmanager: CertManagerConfig = _configmap(CertManagerConfig, "certmanager")
    defaults: DefaultsConfig = _configmap(DefaultsConfig, "defaults")
    deployment: DeploymentConfig = _configmap(DeploymentConfig, "deployment")
    domain: DomainConfig = _configmap(DomainConfig, "domain")
    features: FeaturesConfig = _configmap(FeaturesConfig, "features")
    gc: GCConfig = _configmap(GCConfig, "gc")
    leader_election: LeaderElectionConfig = _configmap(LeaderElectionConfig, "leader-election")
    logging: LoggingConfig = _configmap(LoggingConfig, "logging")
    network: NetworkConfig = _configmap(NetworkConfig, "network")
    observability: ObservabilityConfig = _configmap(ObservabilityConfig, "observability")
    tracing: TracingConfig = _configmap(TracingConfig, "tracing")
    kourier: KourierConfig = _configmap(
        KourierConfig, "kourier"
    )  # installed with the Kourier layer only

    def serving_configmaps(self) -> list[ConfigMapModel | DomainConfig]:
        """The ConfigMaps of Knative Serving core, in a fixed order (not the networking layer's)."""
        return [
            self.autoscaler,
            self.certmanager,
            self.defaults,
            self.deployment,
            self.domain,
            self.features,
            self.gc,
            self.leader_election,
            self.logging,
            self.network,
            self.observability,
            self.tracing,
        ]


__all__ = [
    "CHECKSUM_ANNOTATION",
    "EXAMPLE_KEY",
    "FEATURE_DEFAULTS",
    "FLAG_VALUES",
    "AutoscalerConfig",
    "CertManagerConfig",
    "ConfigMapModel",
    "DefaultsConfig",
    "DeploymentConfig",
    "DomainConfig",
    "DomainRule",
    "FeaturesConfig",
    "GCConfig",
    "KourierConfig",
    "LeaderElectionConfig",
    "LoggingConfig",
    "NetworkConfig",
    "ObservabilityConfig",
    "ServingConfig",
    "TracingConfig",
    "example_checksum",
]
