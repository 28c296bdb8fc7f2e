"""config-leader-election (knative/serving config/core/configmaps/; knative.dev/pkg leaderelection/config.go)."""

from __future__ import annotations

from pydantic import Field, field_validator

from knstack.api.configmaps.base import ConfigMapModel, Duration, Int, seconds

MAX_BUCKETS = 10


class LeaderElectionConfig(ConfigMapModel):
    configmap = "config-leader-election"

    lease_duration: Duration = Field(
        "60s", description="How long a non-leader waits before trying to take the lease."
    )
    renew_deadline: Duration = Field(
        "40s", description="How long the leader retries renewing before giving up."
    )
    retry_period: Duration = Field(
        "10s", description="How often candidates try to take or renew the lease."
    )
    buckets: Int = Field(
        1,
        description=(
            f"Buckets the work is split into (1-{MAX_BUCKETS}): more allows active-active HA."
        ),
    )

    @field_validator("lease_duration", "renew_deadline", "retry_period")
    @classmethod
    def _positive(cls, value: str) -> str:
        if seconds(value) <= 0:
            raise ValueError(f"{value} must be positive")
        return value

    @field_validator("buckets")
    @classmethod
    def _buckets(cls, value: int) -> int:
        if not 1 <= value <= MAX_BUCKETS:
            raise ValueError(f"buckets: {value}, must be between 1 and {MAX_BUCKETS}")
        return value
