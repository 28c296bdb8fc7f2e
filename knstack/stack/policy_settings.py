"""`knstack:policy`: how strict an environment's policy checks are.

The same settings drive `knstack check` and the CrossGuard policy pack (which reads them
from the stack's config), so an environment is exactly as strict on a pull request as on
`pulumi preview`. Rule ids are checked against the rule catalogue by `knstack.policy`
(this layer does not know the rules).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from knstack.api.validation.names import dns1123_label_error

Level = Literal["mandatory", "advisory", "disabled"]
ALL_SERVICES = "*"


class _Model(BaseModel):
    """The conventions of stack.settings.SettingsModel (which imports this module)."""

    model_config = ConfigDict(
        alias_generator=to_camel, validate_by_name=True, validate_by_alias=True, extra="forbid"
    )


class ConcurrencyBounds(_Model):
    """Allowed `containerConcurrency` (0 means unlimited, which exceeds any `max`)."""

    min: int | None = Field(default=None, ge=1)
    max: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> ConcurrencyBounds:
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        return self


class PolicySettings(_Model):
    """Per-environment policy settings (all optional; the defaults suit a test environment)."""

    # Rule id -> level, replacing the rule's default severity in this environment.
    rules: dict[str, Level] = Field(default_factory=dict)
    # Images must be pinned by digest (`image@sha256:...`), as production should be.
    require_image_digests: bool = False
    # Image name prefixes allowed (e.g. "registry.example.com/coffee-shop"); empty: any.
    allowed_registries: list[str] = Field(default_factory=list)
    # Services that must not cold-start: "name", "namespace/name", or "*" for all.
    latency_sensitive: list[str] = Field(default_factory=list)
    container_concurrency: ConcurrencyBounds = Field(default_factory=ConcurrencyBounds)
    # Largest increase of a candidate's traffic percent in one canary step.
    max_canary_step: int | None = Field(default=None, ge=1, le=100)

    @field_validator("latency_sensitive")
    @classmethod
    def _service_names(cls, value: list[str]) -> list[str]:
        for entry in value:
            if entry == ALL_SERVICES:
                continue
            for part in entry.split("/", 1):
                if err := dns1123_label_error(part):
                    raise ValueError(f"{entry!r}: {err}")
        return value

    @field_validator("allowed_registries")
    @classmethod
    def _prefixes(cls, value: list[str]) -> list[str]:
        for prefix in value:
            if (
                not prefix.strip("/")
                or any(c.isspace() for c in prefix)
                or "@" in prefix
                or prefix.startswith("/")
            ):
                raise ValueError(
                    f"{prefix!r} is not an image name prefix (like registry.example.com/team)"
                )
        return value

    def level(self, rule_id: str, default: Level) -> Level:
        return self.rules.get(rule_id, default)

    def is_latency_sensitive(self, namespace: str, service: str) -> bool:
        names = set(self.latency_sensitive)
        return bool(names & {ALL_SERVICES, service, f"{namespace}/{service}"})
