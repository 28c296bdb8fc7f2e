"""config-defaults (knative/serving pkg/apis/serving/v1/revision_defaults.go; knative/serving config/core/configmaps/; knative/serving pkg/apis/config/defaults.go)."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from knstack.api.configmaps.base import Bool, ConfigMapModel, Int, Quantity, Text

_EXAMPLE_RESOURCE = (
    "Knative sets no resources on user containers unless this is set; the "
    "example value is an illustration"
)
RESOURCE_KEYS = tuple(
    f"revision-{resource}-{kind}"
    for resource in ("cpu", "memory", "ephemeral-storage")
    for kind in ("request", "limit")
)


class DefaultsConfig(ConfigMapModel):
    configmap = "config-defaults"
    example_only = dict.fromkeys(RESOURCE_KEYS, _EXAMPLE_RESOURCE)

    revision_timeout_seconds: Int = Field(
        300, description="Default request timeout of a revision, in seconds."
    )
    max_revision_timeout_seconds: Int = Field(
        600, description="Largest timeoutSeconds a revision may set."
    )
    revision_response_start_timeout_seconds: Int = Field(
        300,
        description=(
            "Default time to the first response byte, in seconds (applied only when "
            "below the timeout)."
        ),
    )
    revision_idle_timeout_seconds: Int = Field(
        0, description="Default idle time of a connection, in seconds; 0 means none."
    )
    revision_cpu_request: Quantity | None = Field(
        None, description="CPU request given to user containers that set none."
    )
    revision_cpu_limit: Quantity | None = Field(
        None, description="CPU limit given to user containers that set none."
    )
    revision_memory_request: Quantity | None = Field(
        None, description="Memory request given to user containers that set none."
    )
    revision_memory_limit: Quantity | None = Field(
        None, description="Memory limit given to user containers that set none."
    )
    revision_ephemeral_storage_request: Quantity | None = Field(
        None, description="Ephemeral storage request given to user containers that set none."
    )
    revision_ephemeral_storage_limit: Quantity | None = Field(
        None, description="Ephemeral storage limit given to user containers that set none."
    )
    container_name_template: Text = Field(
        "user-container", description="Name given to unnamed user containers (a Go template)."
    )
    init_container_name_template: Text = Field(
        "init-container", description="Name given to unnamed init containers."
    )
    container_concurrency: Int = Field(
        0, description="Default containerConcurrency; 0 means unlimited."
    )
    container_concurrency_max_limit: Int = Field(
        1000, description="Largest containerConcurrency a revision may set."
    )
    allow_container_concurrency_zero: Bool = Field(
        True, description="Whether containerConcurrency 0 (unlimited) is allowed."
    )
    enable_service_links: Bool = Field(
        False, description="Default enableServiceLinks of revision pods."
    )

    @field_validator("container_name_template", "init_container_name_template")
    @classmethod
    def _template(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty")
        return value

    @field_validator(
        "revision_idle_timeout_seconds",
        "revision_response_start_timeout_seconds",
        "container_concurrency",
    )
    @classmethod
    def _non_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError(f"{value} must be at least 0")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> DefaultsConfig:
        if self.revision_timeout_seconds < 1:
            raise ValueError(
                f"revision-timeout-seconds = {self.revision_timeout_seconds}, must be at least 1"
            )
        if self.revision_timeout_seconds > self.max_revision_timeout_seconds:
            raise ValueError(
                f"revision-timeout-seconds ({self.revision_timeout_seconds}) cannot be "
                f"greater than "
                f"max-revision-timeout-seconds ({self.max_revision_timeout_seconds})"
            )
        if self.container_concurrency_max_limit < 1:
            raise ValueError(
                f"container-concurrency-max-limit = {self.container_concurrency_max_limit}, "
                f"must be at least 1"
            )
        if self.container_concurrency > self.container_concurrency_max_limit:
            raise ValueError(
                f"container-concurrency = {self.container_concurrency}, must be at most "
                f"container-concurrency-max-limit ({self.container_concurrency_max_limit})"
            )
        if self.container_concurrency == 0 and not self.allow_container_concurrency_zero:
            raise ValueError(
                "container-concurrency = 0 is not allowed when "
                "allow-container-concurrency-zero is false"
            )
        return self
