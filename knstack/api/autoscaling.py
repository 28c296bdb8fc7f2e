"""Knative's autoscaling annotations: keys, aliases, validation and a typed view.

Knative configures autoscaling per revision with `autoscaling.knative.dev/*` annotations on
`spec.template.metadata` (knative/serving pkg/apis/autoscaling/annotation_validation.go). Each setting has a kebab-case key and, for most, an
older camelCase alias that is still accepted. `Autoscaling` is the typed view of them, and
`Autoscaling(...).annotations()` writes them back for users of the Python API.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable
from dataclasses import dataclass, fields

from knstack.api.context import DEFAULT_CONTEXT, ServingContext
from knstack.api.duration import format_go_duration, parse_go_duration
from knstack.api.messages import out_of_bounds
from knstack.errors import Problem, warning
from knstack.vocabulary import AUTOSCALING_PREFIX

KPA = "kpa.autoscaling.knative.dev"
HPA = "hpa.autoscaling.knative.dev"
MAX_INT32 = 2147483647
WINDOW_MAX_SECONDS = 3600.0

# setting -> its keys in Knative's priority order (kmap.KeyPriority): kebab first, then alias.
SETTING_KEYS: dict[str, tuple[str, ...]] = {
    "class": (AUTOSCALING_PREFIX + "class",),
    "metric": (AUTOSCALING_PREFIX + "metric",),
    "target": (AUTOSCALING_PREFIX + "target",),
    "target_utilization_percentage": (
        AUTOSCALING_PREFIX + "target-utilization-percentage",
        AUTOSCALING_PREFIX + "targetUtilizationPercentage",
    ),
    "target_burst_capacity": (
        AUTOSCALING_PREFIX + "target-burst-capacity",
        AUTOSCALING_PREFIX + "targetBurstCapacity",
    ),
    "min_scale": (AUTOSCALING_PREFIX + "min-scale", AUTOSCALING_PREFIX + "minScale"),
    "max_scale": (AUTOSCALING_PREFIX + "max-scale", AUTOSCALING_PREFIX + "maxScale"),
    "initial_scale": (AUTOSCALING_PREFIX + "initial-scale", AUTOSCALING_PREFIX + "initialScale"),
    "activation_scale": (AUTOSCALING_PREFIX + "activation-scale",),
    "scale_down_delay": (
        AUTOSCALING_PREFIX + "scale-down-delay",
        AUTOSCALING_PREFIX + "scaleDownDelay",
    ),
    "window": (AUTOSCALING_PREFIX + "window",),
    "panic_window_percentage": (
        AUTOSCALING_PREFIX + "panic-window-percentage",
        AUTOSCALING_PREFIX + "panicWindowPercentage",
    ),
    "panic_threshold_percentage": (
        AUTOSCALING_PREFIX + "panic-threshold-percentage",
        AUTOSCALING_PREFIX + "panicThresholdPercentage",
    ),
    "scale_to_zero_pod_retention_period": (
        AUTOSCALING_PREFIX + "scale-to-zero-pod-retention-period",
        AUTOSCALING_PREFIX + "scaleToZeroPodRetentionPeriod",
    ),
    "metric_aggregation_algorithm": (
        AUTOSCALING_PREFIX + "metric-aggregation-algorithm",
        AUTOSCALING_PREFIX + "metricAggregationAlgorithm",
    ),
}
KNOWN_KEYS: frozenset[str] = frozenset(k for keys in SETTING_KEYS.values() for k in keys)
AGGREGATION_ALGORITHMS = ("linear", "weighted-exponential", "weightedExponential")


def annotation_field(key: str) -> str:
    return f'annotations["{key}"]'


def lookup(annotations: dict[str, str], setting: str) -> tuple[str, str] | None:
    """The (key, value) that Knative reads for a setting, honouring the alias priority."""
    for key in SETTING_KEYS[setting]:
        if key in annotations:
            return key, annotations[key]
    return None


@dataclass(frozen=True)
class Autoscaling:
    """Typed view of a revision's autoscaling annotations; None means "not set"."""

    klass: str | None = None  # `class` is a Python keyword
    metric: str | None = None
    target: float | None = None
    target_utilization_percentage: float | None = None
    target_burst_capacity: float | None = None
    min_scale: int | None = None
    max_scale: int | None = None
    initial_scale: int | None = None
    activation_scale: int | None = None
    scale_down_delay: float | None = None  # seconds
    window: float | None = None  # seconds
    panic_window_percentage: float | None = None
    panic_threshold_percentage: float | None = None
    scale_to_zero_pod_retention_period: float | None = None  # seconds
    metric_aggregation_algorithm: str | None = None

    @property
    def autoscaler_class(self) -> str:
        return self.klass or KPA

    @property
    def is_hpa(self) -> bool:
        return self.autoscaler_class == HPA

    @property
    def is_kpa(self) -> bool:
        return self.autoscaler_class == KPA

    @property
    def effective_metric(self) -> str:
        if self.metric:
            return self.metric
        return "cpu" if self.is_hpa else "concurrency"

    def annotations(self) -> dict[str, str]:
        """The annotations (kebab-case keys) that express this view, for the Python API."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            setting = "class" if f.name == "klass" else f.name
            key = SETTING_KEYS[setting][0]
            if setting in ("scale_down_delay", "window", "scale_to_zero_pod_retention_period"):
                out[key] = f"{int(value)}s"
            elif isinstance(value, float) and value.is_integer():
                out[key] = str(int(value))
            else:
                out[key] = str(value)
        return out

    @classmethod
    def of(cls, annotations: dict[str, str] | None) -> Autoscaling:
        """Parse already-validated annotations (see `validate_autoscaling_annotations`)."""
        view, _ = parse_autoscaling(annotations or {})
        return view


def _parse_int(value: str) -> int:
    # Knative uses strconv.ParseInt: no sign other than '-', no spaces, no decimals.
    if not value or not (value.isdigit() or (value[0] == "-" and value[1:].isdigit())):
        raise ValueError(value)
    return int(value)


def parse_autoscaling(
    annotations: dict[str, str], ctx: ServingContext | None = None, base: str = "metadata"
) -> tuple[Autoscaling, list[Problem]]:
    """Parse and validate the autoscaling annotations (Knative annotation_validation.go)."""
    ctx = ctx or DEFAULT_CONTEXT
    problems: list[Problem] = []
    values: dict[str, object] = {}

    def bad(key: str, message: str) -> None:
        problems.append(Problem(message, field=f"{base}.{annotation_field(key)}"))

    for key in sorted(annotations):
        if key.startswith(AUTOSCALING_PREFIX) and key not in KNOWN_KEYS:
            # Knative admits and ignores keys it does not know: a typo leaves the default.
            problems.append(warning(_unknown_key_message(key), f"{base}.{annotation_field(key)}"))
    for setting, keys in SETTING_KEYS.items():
        present = [k for k in keys if k in annotations]
        if len(present) > 1:
            bad(present[1], f"sets the same setting as {present[0]}; use only one of them")
        found = lookup(annotations, setting)
        if found is None:
            continue
        key, raw = found
        try:
            values[setting] = _parse_setting(setting, raw)
        except ValueError as err:
            bad(key, str(err) or f"invalid value {raw!r}")

    klass = values.get("class")
    if isinstance(klass, str) and klass.endswith(".knative.dev") and klass not in (KPA, HPA):
        bad(SETTING_KEYS["class"][0], f"invalid value {klass!r}: use {KPA} or {HPA}")
    klass_value = klass if isinstance(klass, str) else KPA
    metric = values.get("metric")
    if metric is not None:
        if klass_value == KPA and metric not in ("concurrency", "rps"):
            bad(
                SETTING_KEYS["metric"][0],
                f"invalid value {metric!r}: the KPA class scales on concurrency or rps",
            )
        elif klass_value == HPA and metric == "":
            bad(
                SETTING_KEYS["metric"][0],
                "must not be empty for the HPA class (cpu, memory or a custom metric)",
            )
    _check_ranges(values, annotations, ctx, bad)

    algorithm = values.get("metric_aggregation_algorithm")
    if klass_value == KPA and algorithm and algorithm not in AGGREGATION_ALGORITHMS:
        key = lookup(annotations, "metric_aggregation_algorithm")[0]  # type: ignore[index]
        bad(key, f"invalid value {algorithm!r}: use linear or weighted-exponential")

    view = Autoscaling(**{("klass" if k == "class" else k): v for k, v in values.items()})  # type: ignore[arg-type]
    return view, problems


def _unknown_key_message(key: str) -> str:
    known = sorted(_kebab_keys())
    close = difflib.get_close_matches(key.removeprefix(AUTOSCALING_PREFIX), known, n=1)
    hint = f"did you mean {AUTOSCALING_PREFIX}{close[0]}? " if close else ""
    return f"unknown autoscaling annotation: Knative ignores it ({hint}known: {', '.join(known)})"


def _kebab_keys() -> list[str]:
    return [keys[0].removeprefix(AUTOSCALING_PREFIX) for keys in SETTING_KEYS.values()]


def _parse_setting(setting: str, raw: str) -> object:
    if setting in ("class", "metric", "metric_aggregation_algorithm"):
        return raw
    if setting in ("min_scale", "max_scale", "initial_scale", "activation_scale"):
        try:
            value = _parse_int(raw)
        except ValueError:
            raise ValueError(f"invalid value {raw!r}: must be a whole number") from None
        if value < 0 or value > MAX_INT32:
            raise ValueError(out_of_bounds(raw, 0, MAX_INT32))
        return value
    if setting in ("scale_down_delay", "window", "scale_to_zero_pod_retention_period"):
        try:
            return parse_go_duration(raw)
        except ValueError:
            raise ValueError(
                f"invalid duration {raw!r}: use Go syntax such as 30s, 2m or 1h"
            ) from None
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"invalid value {raw!r}: must be a number") from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"invalid value {raw!r}: must be a finite number")
    return number


def _check_ranges(
    values: dict[str, object],
    annotations: dict[str, str],
    ctx: ServingContext,
    bad: Callable[[str, str], None],
) -> None:
    """Knative's range checks (pkg/apis/autoscaling/annotation_validation.go)."""
    _check_settings(values, annotations, bad)
    _check_scale_bounds(values, annotations, ctx, bad)


def _key(annotations: dict[str, str], setting: str) -> str:
    """The annotation key a setting was written with (or its canonical one)."""
    found = lookup(annotations, setting)
    return found[0] if found else SETTING_KEYS[setting][0]


def _check_settings(
    values: dict[str, object], annotations: dict[str, str], bad: Callable[[str, str], None]
) -> None:
    """Targets, percentages and windows within Knative's bounds."""

    def key(setting: str) -> str:
        return _key(annotations, setting)

    def between(setting: str, low: float, high: float, unit: str = "") -> None:
        value = values.get(setting)
        if isinstance(value, float | int) and not low <= value <= high:
            # Knative prints the annotation as written and its bounds as Go values
            # (knative/serving pkg/apis/autoscaling/annotation_validation.go).
            shown = format_go_duration if unit == "s" else (lambda bound: f"{bound:g}")
            raw = annotations[key(setting)]
            bad(key(setting), out_of_bounds(raw, shown(low), shown(high)))

    target = values.get("target")
    if isinstance(target, float) and target < 0.01:
        bad(key("target"), f"target {annotations[key('target')]} should be at least 0.01")
    between("target_utilization_percentage", 1, 100)
    tbc = values.get("target_burst_capacity")
    if isinstance(tbc, float) and tbc < 0 and tbc != -1:
        bad(key("target_burst_capacity"), "must be 0 or more, or -1 (activator always in the path)")
    between("panic_window_percentage", 1, 100)
    between("panic_threshold_percentage", 110, 1000)
    for setting in ("scale_down_delay", "scale_to_zero_pod_retention_period"):
        between(setting, 0, WINDOW_MAX_SECONDS, "s")
    between("window", 6, WINDOW_MAX_SECONDS, "s")
    for setting in ("window", "scale_down_delay"):
        value = values.get(setting)
        if isinstance(value, float) and not value.is_integer():
            bad(key(setting), "must be specified with at most second precision")


def _check_scale_bounds(
    values: dict[str, object],
    annotations: dict[str, str],
    ctx: ServingContext,
    bad: Callable[[str, str], None],
) -> None:
    """min-scale, max-scale, activation-scale and initial-scale against each other and the
    environment's limits."""

    def key(setting: str) -> str:
        return _key(annotations, setting)

    low, high = values.get("min_scale"), values.get("max_scale")
    low_i = low if isinstance(low, int) else 0
    high_i = high if isinstance(high, int) else 0
    if high_i != 0 and high_i < low_i:
        bad(key("max_scale"), f"max-scale={high_i} is less than min-scale={low_i}")
    if ctx.max_scale_limit > 0 and "max_scale" in values:
        if high_i == 0:
            bad(
                key("max_scale"),
                f"max-scale=0 (unlimited) is not allowed: the environment's max-scale-limit is {ctx.max_scale_limit}",
            )
        elif high_i > ctx.max_scale_limit:
            bad(
                key("max_scale"),
                out_of_bounds(high_i, 1, ctx.max_scale_limit),
            )
    activation = values.get("activation_scale")
    if isinstance(activation, int):
        if activation < 2:
            bad(key("activation_scale"), f"activation-scale={activation} must be greater than 1")
        elif low_i > activation:
            bad(
                key("activation_scale"),
                f"min-scale={low_i} is greater than activation-scale={activation}",
            )
        elif high_i != 0 and high_i < activation:
            bad(
                key("activation_scale"),
                f"max-scale={high_i} is less than activation-scale={activation}",
            )
    initial = values.get("initial_scale")
    if initial == 0 and not ctx.allow_zero_initial_scale:
        bad(
            key("initial_scale"),
            "initial-scale=0 is not allowed: the environment's config-autoscaler has allow-zero-initial-scale false",
        )
