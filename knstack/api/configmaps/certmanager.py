"""config-certmanager: cert-manager issuers for Knative's certificates (knative/serving config/core/configmaps/)."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import Field, field_validator

from knstack.api.configmaps.base import ConfigMapModel, Text
from knstack.yamlio import load_yaml

_EXAMPLE_ISSUER = (
    "no default: Knative uses its self-signed issuer; the example names an illustrative issuer"
)


class CertManagerConfig(ConfigMapModel):
    configmap = "config-certmanager"
    example_only = dict.fromkeys(
        ("issuerRef", "clusterLocalIssuerRef", "systemInternalIssuerRef"), _EXAMPLE_ISSUER
    )

    issuer_ref: Text | None = Field(
        None,
        alias="issuerRef",
        description="Issuer of external-domain certificates (YAML: kind, name).",
    )
    cluster_local_issuer_ref: Text | None = Field(
        None,
        alias="clusterLocalIssuerRef",
        description="Issuer of cluster-local-domain certificates (YAML: kind, name).",
    )
    system_internal_issuer_ref: Text | None = Field(
        None,
        alias="systemInternalIssuerRef",
        description="Issuer of system-internal certificates (YAML: kind, name).",
    )

    @field_validator(
        "issuer_ref", "cluster_local_issuer_ref", "system_internal_issuer_ref", mode="before"
    )
    @classmethod
    def _issuer(cls, value: Any) -> Any:
        data = load_yaml(value) if isinstance(value, str) else value
        if value is None:
            return None
        if (
            not isinstance(data, dict)
            or data.get("kind") not in ("ClusterIssuer", "Issuer")
            or not data.get("name")
        ):
            raise ValueError(
                "must be an issuer reference with kind (ClusterIssuer or Issuer) and name"
            )
        return value if isinstance(value, str) else yaml.safe_dump(data, sort_keys=True)
