"""config-network (knative/serving pkg/reconciler/route/domains/domains.go; knative/serving config/core/configmaps/; knative.dev/networking pkg/config/config.go)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from knstack.api.configmaps.base import Bool, ConfigMapModel, Int, Text, lower_choice

EnabledDisabled = Annotated[Literal["Enabled", "Disabled"], lower_choice("Enabled", "Disabled")]
HttpProtocol = Annotated[
    Literal["Enabled", "Redirected", "Disabled"], lower_choice("Enabled", "Redirected", "Disabled")
]
MeshMode = Annotated[
    Literal["auto", "enabled", "disabled"], lower_choice("auto", "enabled", "disabled")
]
Scheme = Annotated[Literal["http", "https"], lower_choice("http", "https")]
ISTIO_INGRESS = "istio.ingress.networking.knative.dev"


class NetworkConfig(ConfigMapModel):
    configmap = "config-network"
    component = "networking"

    # Set by knstack from the environment's networking layer (knative.networking).
    ingress_class: Text = Field(
        ISTIO_INGRESS,
        description="Ingress class of Routes (set by knstack from the networking layer).",
    )
    certificate_class: Text = Field(
        "cert-manager.certificate.networking.knative.dev",
        description="Certificate class used for TLS certificates.",
    )
    namespace_wildcard_cert_selector: Text = Field(
        "", description="Namespaces (a label selector, YAML) that get wildcard certificates."
    )
    domain_template: Text = Field(
        "{{.Name}}.{{.Namespace}}.{{.Domain}}", description="Go template of a route's host name."
    )
    tag_template: Text = Field(
        "{{.Tag}}-{{.Name}}", description="Go template of a tag's name, used in domain-template."
    )
    auto_tls: EnabledDisabled = Field(
        "Disabled", description="Deprecated: use external-domain-tls."
    )
    external_domain_tls: EnabledDisabled = Field(
        "Disabled", description="Provision TLS certificates for external domains."
    )
    cluster_local_domain_tls: EnabledDisabled = Field(
        "Disabled", description="Provision TLS certificates for cluster-local domains."
    )
    internal_encryption: Bool = Field(False, description="Deprecated: use system-internal-tls.")
    system_internal_tls: EnabledDisabled = Field(
        "Disabled", description="TLS between ingress, activator and queue-proxy."
    )
    http_protocol: HttpProtocol = Field(
        "Enabled", description="HTTP on the ingress: Enabled or Redirected (to HTTPS)."
    )
    rollout_duration: Int = Field(
        0, description="Seconds over which traffic moves to a new latest revision."
    )
    autocreate_cluster_domain_claims: Bool = Field(
        False, description="Create ClusterDomainClaims for DomainMappings automatically."
    )
    enable_mesh_pod_addressability: Bool = Field(
        False, description="Make pods addressable by IP inside a mesh."
    )
    mesh_compatibility_mode: MeshMode = Field(
        "auto", description="Reach pods by IP (disabled), cluster IP (enabled) or detect (auto)."
    )
    default_external_scheme: Scheme = Field(
        "http", description="Scheme of external URLs when TLS is off: http or https."
    )

    @field_validator("domain_template")
    @classmethod
    def _domain_template(cls, value: str) -> str:
        # Knative rejects templates that cannot make distinct hosts per route.
        if "{{.Name}}" not in value.replace(" ", ""):
            raise ValueError(f"{value!r} must contain {{{{.Name}}}}")
        return value

    @field_validator("tag_template")
    @classmethod
    def _tag_template(cls, value: str) -> str:
        compact = value.replace(" ", "")
        if "{{.Tag}}" not in compact or "{{.Name}}" not in compact:
            raise ValueError(f"{value!r} must contain {{{{.Tag}}}} and {{{{.Name}}}}")
        return value

    @field_validator("rollout_duration")
    @classmethod
    def _rollout(cls, value: int) -> int:
        if value < 0:
            raise ValueError(f"rollout-duration = {value}, must be at least 0")
        return value
