"""The cluster-wide Knative settings that validation and defaulting depend on.

On a Knative cluster these live in config-features, config-defaults and config-autoscaler.
knstack derives them from the environment's typed ConfigMaps (`knstack.api.configmaps`),
the same models the knative backend installs, so that both backends validate exactly as
the Knative webhook of that environment would.
"""

from __future__ import annotations

from dataclasses import dataclass

from knstack.api.configmaps import FEATURE_DEFAULTS, FLAG_VALUES, ServingConfig

FEATURE_VALUES = FLAG_VALUES

__all__ = ["DEFAULT_CONTEXT", "FEATURE_DEFAULTS", "FEATURE_VALUES", "ServingContext"]


# ServingConfig -> ServingContext, by the config's identity (the config is kept alive with it).
_CONTEXTS: dict[int, tuple[ServingConfig, ServingContext]] = {}
_CONTEXT_CACHE_SIZE = 64


@dataclass(frozen=True)
class ServingContext:
    """What the webhook of one environment allows, and the defaults it applies."""

    # No defaults here: Knative's live in the ConfigMap models (knstack.api.configmaps), and
    # DEFAULT_CONTEXT below is derived from them.
    features: dict[str, str]
    # config-defaults
    revision_timeout_seconds: int
    max_revision_timeout_seconds: int
    container_concurrency: int
    container_concurrency_max_limit: int
    allow_container_concurrency_zero: bool
    # config-autoscaler
    allow_zero_initial_scale: bool
    initial_scale: int
    max_scale_limit: int
    container_concurrency_target_default: float
    container_concurrency_target_percentage: float
    requests_per_second_target_default: float
    enable_scale_to_zero: bool

    @classmethod
    def from_config(cls, config: ServingConfig) -> ServingContext:
        """The context of an environment whose Knative runs with `config` (computed once
        per config: both are immutable, and builders ask for it per revision)."""
        cached = _CONTEXTS.get(id(config))
        if cached is not None and cached[0] is config:
            return cached[1]
        if len(_CONTEXTS) >= _CONTEXT_CACHE_SIZE:
            _CONTEXTS.clear()
        context = cls._derive(config)
        _CONTEXTS[id(config)] = (config, context)
        return context

    @classmethod
    def _derive(cls, config: ServingConfig) -> ServingContext:
        defaults, autoscaler = config.defaults, config.autoscaler
        return cls(
            features=config.features.flags(),
            revision_timeout_seconds=defaults.revision_timeout_seconds,
            max_revision_timeout_seconds=defaults.max_revision_timeout_seconds,
            container_concurrency=defaults.container_concurrency,
            container_concurrency_max_limit=defaults.container_concurrency_max_limit,
            allow_container_concurrency_zero=defaults.allow_container_concurrency_zero,
            allow_zero_initial_scale=autoscaler.allow_zero_initial_scale,
            initial_scale=autoscaler.initial_scale,
            max_scale_limit=autoscaler.max_scale_limit,
            container_concurrency_target_default=autoscaler.container_concurrency_target_default,
            container_concurrency_target_percentage=autoscaler.target_fraction * 100.0,
            requests_per_second_target_default=autoscaler.requests_per_second_target_default,
            enable_scale_to_zero=autoscaler.enable_scale_to_zero,
        )

    def feature_on(self, name: str) -> bool:
        """True when a feature flag is `enabled` or `allowed` (Knative treats both as usable)."""
        return self.features.get(name, FEATURE_DEFAULTS.get(name, "disabled")) != "disabled"

    def with_features(self, overrides: dict[str, str]) -> ServingContext:
        merged = {**self.features, **overrides}
        return ServingContext(**{**self.__dict__, "features": merged})


DEFAULT_CONTEXT = ServingContext.from_config(ServingConfig())
