"""config-autoscaler (knative/serving pkg/autoscaler/config/config.go; knative/serving pkg/autoscaler/config/config.go)."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from knstack.api.configmaps.base import Bool, ConfigMapModel, Duration, Float, Int, Text, seconds

KPA = "kpa.autoscaling.knative.dev"
HPA = "hpa.autoscaling.knative.dev"
TARGET_MIN = 0.01
WINDOW_MIN, WINDOW_MAX = 6.0, 3600.0


class AutoscalerConfig(ConfigMapModel):
    configmap = "config-autoscaler"
    component = "autoscaler"

    container_concurrency_target_percentage: Float = Field(
        70.0,
        description="Share of containerConcurrency the autoscaler aims for, in percent (0-100].",
    )
    container_concurrency_target_default: Float = Field(
        100.0, description="Concurrency target per pod for revisions with unlimited concurrency."
    )
    requests_per_second_target_default: Float = Field(
        200.0, description="Requests-per-second target per pod (metric rps)."
    )
    target_burst_capacity: Float = Field(
        211.0,
        description=(
            "Spare capacity before the activator is put in the path; 0 or more, or -1 (always)."
        ),
    )
    stable_window: Duration = Field(
        "60s", description="Averaging window of the stable mode, 6s to 1h, whole seconds."
    )
    panic_window_percentage: Float = Field(
        10.0, description="Panic window as a percentage of the stable window, 1-100."
    )
    panic_threshold_percentage: Float = Field(
        200.0, description="Load, in percent of capacity, that starts panic mode, 110-1000."
    )
    max_scale_up_rate: Float = Field(
        1000.0, description="Largest scale-up factor per evaluation, above 1."
    )
    max_scale_down_rate: Float = Field(
        2.0, description="Largest scale-down factor per evaluation, above 1."
    )
    enable_scale_to_zero: Bool = Field(
        True, description="Whether idle revisions may scale to zero pods."
    )
    scale_to_zero_grace_period: Duration = Field(
        "30s", description="Time the last pod stays after traffic stops; positive."
    )
    scale_to_zero_pod_retention_period: Duration = Field(
        "0s",
        description=(
            "Minimum time the last pod stays after the autoscaler decides to scale to zero."
        ),
    )
    pod_autoscaler_class: Text = Field(
        KPA, description=f"Default autoscaler class: {KPA} or {HPA}."
    )
    activator_capacity: Float = Field(
        100.0, description="Concurrent requests one activator handles, at least 1."
    )
    initial_scale: Int = Field(
        1, description="Pods a new revision starts with; 0 needs allow-zero-initial-scale."
    )
    allow_zero_initial_scale: Bool = Field(False, description="Whether initial-scale may be 0.")
    min_scale: Int = Field(
        0, description="Default minimum pods of a revision (the min-scale annotation wins)."
    )
    max_scale: Int = Field(0, description="Default maximum pods of a revision; 0 means unlimited.")
    scale_down_delay: Duration = Field(
        "0s", description="Time reduced load must last before scaling down, whole seconds."
    )
    max_scale_limit: Int = Field(
        0, description="Highest max-scale a revision may ask for; 0 means no limit."
    )

    @property
    def target_fraction(self) -> float:
        """Knative accepts a percentage or, for legacy reasons, a fraction in (0, 1]."""
        value = self.container_concurrency_target_percentage
        return value / 100.0 if value > 1.0 else value

    @field_validator("stable_window")
    @classmethod
    def _stable_window(cls, value: str) -> str:
        secs = seconds(value)
        if not WINDOW_MIN <= secs <= WINDOW_MAX:
            raise ValueError(f"stable-window = {value}, must be in [6s; 1h] range")
        if not secs.is_integer():
            raise ValueError(
                f"stable-window = {value}, must be specified with at most second precision"
            )
        return value

    @field_validator("scale_to_zero_grace_period")
    @classmethod
    def _grace(cls, value: str) -> str:
        if seconds(value) <= 0:
            raise ValueError(f"scale-to-zero-grace-period must be positive, was: {value}")
        return value

    @field_validator("scale_down_delay")
    @classmethod
    def _delay(cls, value: str) -> str:
        secs = seconds(value)
        if secs < 0:
            raise ValueError(f"scale-down-delay cannot be negative, was: {value}")
        if not secs.is_integer():
            raise ValueError(
                f"scale-down-delay = {value}, must be specified with at most second precision"
            )
        return value

    @field_validator("scale_to_zero_pod_retention_period")
    @classmethod
    def _retention(cls, value: str) -> str:
        if seconds(value) < 0:
            raise ValueError(f"scale-to-zero-pod-retention-period cannot be negative, was: {value}")
        return value

    @field_validator("target_burst_capacity")
    @classmethod
    def _tbc(cls, value: float) -> float:
        if value < 0 and value != -1:
            raise ValueError(
                f"target-burst-capacity must be either non-negative or -1 (for unlimited), "
                f"was: {value:g}"
            )
        return value

    @field_validator("requests_per_second_target_default")
    @classmethod
    def _rps(cls, value: float) -> float:
        if value < TARGET_MIN:
            raise ValueError(
                f"requests-per-second-target-default must be at least {TARGET_MIN}, was: {value:g}"
            )
        return value

    @field_validator("activator_capacity")
    @classmethod
    def _activator(cls, value: float) -> float:
        if value < 1:
            raise ValueError(f"activator-capacity = {value:g}, must be at least 1")
        return value

    @field_validator("max_scale_up_rate", "max_scale_down_rate")
    @classmethod
    def _rates(cls, value: float) -> float:
        if value <= 1.0:
            raise ValueError(f"{value:g} must be greater than 1.0")
        return value

    @field_validator("panic_window_percentage")
    @classmethod
    def _panic_window(cls, value: float) -> float:
        if not 1 <= value <= 100:
            raise ValueError(f"panic-window-percentage = {value:g}, must be in [1, 100] interval")
        return value

    @field_validator("panic_threshold_percentage")
    @classmethod
    def _panic_threshold(cls, value: float) -> float:
        # The range Knative enforces on the annotation (knative/serving pkg/apis/autoscaling/annotation_validation.go), applied to the default too.
        if not 110 <= value <= 1000:
            raise ValueError(
                f"panic-threshold-percentage = {value:g}, must be in [110, 1000] interval"
            )
        return value

    @field_validator("pod_autoscaler_class")
    @classmethod
    def _class(cls, value: str) -> str:
        if not value or (value.endswith(".knative.dev") and value not in (KPA, HPA)):
            raise ValueError(f"pod-autoscaler-class {value!r} is not valid: use {KPA} or {HPA}")
        return value

    @field_validator("min_scale", "max_scale", "max_scale_limit")
    @classmethod
    def _non_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError(f"{value} must be at least 0")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> AutoscalerConfig:
        fraction = self.target_fraction
        if not 0 < fraction <= 1:
            raise ValueError(
                f"container-concurrency-target-percentage = "
                f"{self.container_concurrency_target_percentage:g} "
                "is outside of valid range of (0, 100]"
            )
        if fraction * self.container_concurrency_target_default < TARGET_MIN:
            raise ValueError(
                "container-concurrency-target-percentage and "
                "container-concurrency-target-default yield a "
                f"target concurrency below {TARGET_MIN}"
            )
        if self.initial_scale < 0 or (
            self.initial_scale == 0 and not self.allow_zero_initial_scale
        ):
            raise ValueError(
                f"initial-scale = {self.initial_scale}, must be at least 0 "
                "(or at least 1 when allow-zero-initial-scale is false)"
            )
        lowest_max = 1 if self.max_scale_limit > 0 else 0
        if self.max_scale < lowest_max or (
            self.max_scale_limit > 0 and self.max_scale > self.max_scale_limit
        ):
            raise ValueError(
                f"max-scale = {self.max_scale}, must be in [{lowest_max}, "
                f"max-scale-limit({self.max_scale_limit})] range"
            )
        if self.max_scale and self.min_scale > self.max_scale:
            raise ValueError(
                f"min-scale = {self.min_scale} is greater than max-scale = {self.max_scale}"
            )
        return self
