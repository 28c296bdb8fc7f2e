"""config-deployment (knative/serving pkg/reconciler/revision/resources/deploy.go; knative/serving pkg/reconciler/revision/resources/queue.go; knative/serving config/core/configmaps/; knative/serving pkg/deployment/config.go)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from knstack.api.configmaps.base import (
    Bool,
    ConfigMapModel,
    Duration,
    Quantity,
    Text,
    lower_choice,
    seconds,
)

_RESOURCE_DEFAULTS = (
    "applied only with the queueproxy.resource-defaults feature; the example "
    "value is an illustration"
)
TlsVersion = Annotated[Literal["", "1.2", "1.3"], lower_choice("", "1.2", "1.3")]
AffinityType = Annotated[
    Literal["none", "prefer-spread-revision-over-nodes"],
    lower_choice("none", "prefer-spread-revision-over-nodes"),
]


class DeploymentConfig(ConfigMapModel):
    configmap = "config-deployment"
    example_only = {
        "queue-sidecar-image": "a real top-level key upstream (a ko:// path); knstack sets it "
        "from the pinned images",
        "queue-sidecar-cpu-limit": _RESOURCE_DEFAULTS,
        "queue-sidecar-memory-request": _RESOURCE_DEFAULTS,
        "queue-sidecar-memory-limit": _RESOURCE_DEFAULTS,
        "queue-sidecar-ephemeral-storage-request": "no default: the example value is an "
        "illustration",
        "queue-sidecar-ephemeral-storage-limit": "no default: the example value is an illustration",
        "default-affinity-type": "only mentioned in a comment of the upstream example",
    }

    # Set by knstack from the pinned queue-proxy image (knative.images), never by hand.
    queue_sidecar_image: Text | None = Field(
        None, description="Image of the queue-proxy sidecar (set by knstack)."
    )
    registries_skipping_tag_resolving: Text = Field(
        "kind.local,ko.local,dev.local",
        description="Registries whose tags are not resolved to digests, comma-separated.",
    )
    digest_resolution_timeout: Duration = Field(
        "10s", description="Time allowed to resolve an image tag to a digest."
    )
    progress_deadline: Duration = Field(
        "600s", description="Time a revision's Deployment has to become ready."
    )
    queue_sidecar_cpu_request: Quantity | None = Field(
        "25m", description="CPU request of the queue-proxy."
    )
    queue_sidecar_cpu_limit: Quantity | None = Field(
        None, description="CPU limit of the queue-proxy."
    )
    queue_sidecar_memory_request: Quantity | None = Field(
        None, description="Memory request of the queue-proxy."
    )
    queue_sidecar_memory_limit: Quantity | None = Field(
        None, description="Memory limit of the queue-proxy."
    )
    queue_sidecar_ephemeral_storage_request: Quantity | None = Field(
        None, description="Ephemeral storage request of the queue-proxy."
    )
    queue_sidecar_ephemeral_storage_limit: Quantity | None = Field(
        None, description="Ephemeral storage limit of the queue-proxy."
    )
    queue_sidecar_token_audiences: Text = Field(
        "", description="Audiences of service account tokens mounted in the queue-proxy."
    )
    queue_sidecar_rootca: Text = Field(
        "", description="Root CA added to the queue-proxy's trust store."
    )
    queue_sidecar_tls_min_version: TlsVersion = Field(
        "", description='Minimum TLS version of the queue-proxy: "", 1.2 or 1.3.'
    )
    queue_sidecar_tls_max_version: TlsVersion = Field(
        "", description='Maximum TLS version of the queue-proxy: "", 1.2 or 1.3.'
    )
    queue_sidecar_tls_cipher_suites: Text = Field(
        "", description="TLS cipher suites of the queue-proxy, comma-separated."
    )
    queue_sidecar_tls_curve_preferences: Text = Field(
        "", description="TLS curve preferences of the queue-proxy, comma-separated."
    )
    runtime_class_name: Text = Field(
        "", description="runtimeClassName selectors for revision pods (YAML)."
    )
    pod_is_always_schedulable: Bool = Field(
        False, description="Never mark a revision unschedulable (cluster autoscaling)."
    )
    default_affinity_type: AffinityType = Field(
        "prefer-spread-revision-over-nodes",
        description=(
            "Anti-affinity added to revision pods: none or prefer-spread-revision-over-nodes."
        ),
    )

    @field_validator("digest_resolution_timeout", "progress_deadline")
    @classmethod
    def _positive(cls, value: str) -> str:
        if seconds(value) <= 0:
            raise ValueError(f"{value} must be positive")
        return value
