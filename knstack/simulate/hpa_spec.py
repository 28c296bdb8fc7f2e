"""A HorizontalPodAutoscaler's spec as the controller reads it: the rendered autoscaling/v2
spec, defaulted as the API server stores it.

Defaults from k8s.io/kubernetes pkg/apis/autoscaling/v2/defaults.go: minReplicas 1; no
metrics means 80% CPU utilisation; a behavior, when present, gets its missing fields from
scale-up {window 0, Max of (4 pods, 100%) per 15 s} and scale-down {Max of 100% per 15 s};
a scale-down window left unset is the controller's `--horizontal-pod-autoscaler-downscale-
stabilization` (5 min, pkg/controller/podautoscaler/horizontal.go
maybeInitScaleDownStabilizationWindow). Without a behavior the controller takes its older
path (`normalizeDesiredReplicas`), which this spec keeps as `behavior=None`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

DEFAULT_CPU_UTILIZATION = 80  # pkg/apis/autoscaling DefaultCPUUtilization
DOWNSCALE_STABILIZATION_SECONDS = 300  # kube-controller-manager's default


@dataclass(frozen=True)
class ScalingPolicy:
    kind: str  # "Pods" or "Percent"
    value: int
    period: int  # seconds


@dataclass(frozen=True)
class ScalingRules:
    window: int  # stabilizationWindowSeconds
    select: str  # "Max", "Min" or "Disabled"
    policies: tuple[ScalingPolicy, ...]

    @property
    def longest_period(self) -> int:
        return max((p.period for p in self.policies), default=0)


SCALE_UP = ScalingRules(0, "Max", (ScalingPolicy("Pods", 4, 15), ScalingPolicy("Percent", 100, 15)))
SCALE_DOWN = ScalingRules(
    DOWNSCALE_STABILIZATION_SECONDS, "Max", (ScalingPolicy("Percent", 100, 15),)
)


@dataclass(frozen=True)
class Behavior:
    scale_up: ScalingRules = SCALE_UP
    scale_down: ScalingRules = SCALE_DOWN


@dataclass(frozen=True)
class ExternalTarget:
    """An External metric with an AverageValue target (KEDA's triggers)."""

    name: str
    average_milli: int


@dataclass(frozen=True)
class HpaSpec:
    min_replicas: int = 1
    max_replicas: int = 2147483647
    cpu_utilization: int | None = DEFAULT_CPU_UTILIZATION  # None: no CPU metric
    external: tuple[ExternalTarget, ...] = ()
    behavior: Behavior | None = None

    def with_cpu_only(self) -> HpaSpec:
        """The same HPA scaling on CPU alone, at its target or Kubernetes' default."""
        cpu = self.cpu_utilization or DEFAULT_CPU_UTILIZATION
        return HpaSpec(self.min_replicas, self.max_replicas, cpu, (), self.behavior)


def milli(quantity: object) -> int:
    """A Kubernetes quantity in thousandths, rounded up as resource.Quantity.MilliValue does
    (decimal suffixes only: the metric targets KEDA and Knative write)."""
    text = str(quantity).strip()
    scale = {"m": Decimal("0.001"), "k": Decimal(1000), "M": Decimal(10**6), "G": Decimal(10**9)}
    factor = scale.get(text[-1:], Decimal(1))
    number = Decimal(text[:-1] if text[-1:] in scale else text) * factor * 1000
    return int(number.to_integral_value(rounding="ROUND_CEILING"))


def _rules(given: Mapping[str, Any] | None, default: ScalingRules) -> ScalingRules:
    """copyHPAScalingRules: every field the manifest sets wins over the default."""
    if given is None:
        return default
    policies = given.get("policies")
    window = given.get("stabilizationWindowSeconds")
    return ScalingRules(
        default.window if window is None else int(window),
        given.get("selectPolicy") or default.select,
        default.policies
        if policies is None
        else tuple(
            ScalingPolicy(p["type"], int(p["value"]), int(p["periodSeconds"])) for p in policies
        ),
    )


def hpa_spec(spec: Mapping[str, Any]) -> HpaSpec:
    """An autoscaling/v2 HorizontalPodAutoscaler `spec` (as rendered), defaulted."""
    cpu: int | None = None
    external: list[ExternalTarget] = []
    for metric in spec.get("metrics") or []:
        if metric.get("type") == "Resource" and metric["resource"]["name"] == "cpu":
            cpu = int(metric["resource"]["target"]["averageUtilization"])
        elif metric.get("type") == "External":
            target = metric["external"]["target"]["averageValue"]
            external.append(ExternalTarget(metric["external"]["metric"]["name"], milli(target)))
    if not spec.get("metrics"):
        cpu = DEFAULT_CPU_UTILIZATION
    behavior = None
    if (given := spec.get("behavior")) is not None:
        behavior = Behavior(
            _rules(given.get("scaleUp"), SCALE_UP), _rules(given.get("scaleDown"), SCALE_DOWN)
        )
    return HpaSpec(
        min_replicas=int(spec.get("minReplicas", 1)),
        max_replicas=int(spec["maxReplicas"]),
        cpu_utilization=cpu,
        external=tuple(external),
        behavior=behavior,
    )
