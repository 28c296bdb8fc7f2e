"""config-gc: revision garbage collection (knative/serving config/core/configmaps/; knative/serving pkg/gc/config.go)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainSerializer, field_validator, model_validator

from knstack.api.configmaps.base import (
    DISABLED,
    ConfigMapModel,
    DurationOrDisabled,
    Int,
    _parse_int,
    _scalar_text,
    seconds,
)


def _count_or_disabled(value: Any) -> int:
    """A revision count, or "disabled" (stored as -1, as Knative does)."""
    if isinstance(value, str) and value.strip().lower() == DISABLED:
        return -1
    number = _parse_int(value)
    if number < 0:
        raise ValueError(f'{_scalar_text(value)} must be at least 0, or "disabled"')
    return number


CountOrDisabled = Annotated[
    int,
    BeforeValidator(_count_or_disabled),
    PlainSerializer(lambda v: DISABLED if v < 0 else str(v), return_type=str),
]


class GCConfig(ConfigMapModel):
    configmap = "config-gc"

    retain_since_create_time: DurationOrDisabled = Field(
        "48h", description='Keep revisions created within this time, or "disabled".'
    )
    retain_since_last_active_time: DurationOrDisabled = Field(
        "15h", description='Keep revisions routed within this time, or "disabled".'
    )
    min_non_active_revisions: Int = Field(
        20, description="Non-active revisions always kept per configuration."
    )
    max_non_active_revisions: CountOrDisabled = Field(
        1000, description='Most non-active revisions kept per configuration, or "disabled".'
    )

    @field_validator("retain_since_create_time", "retain_since_last_active_time")
    @classmethod
    def _not_negative(cls, value: str) -> str:
        if value != DISABLED and seconds(value) < 0:
            raise ValueError(f"{value} must not be negative")
        return value

    @field_validator("min_non_active_revisions")
    @classmethod
    def _min(cls, value: int) -> int:
        if value < 0:
            raise ValueError(f"min-non-active-revisions = {value}, must be at least 0")
        return value

    @model_validator(mode="after")
    def _min_below_max(self) -> GCConfig:
        if (
            self.max_non_active_revisions >= 0
            and self.min_non_active_revisions > self.max_non_active_revisions
        ):
            raise ValueError(
                f"min-non-active-revisions ({self.min_non_active_revisions}) must be <= "
                f"max-non-active-revisions ({self.max_non_active_revisions})"
            )
        return self
