"""`knstack:analysis`: canary analysis on live metrics, judged before a step moves on.

Named checks, each a query (a built-in template or the user's own) run against a metrics
provider (Prometheus first; `AnalysisProvider` has one optional field per provider kind),
a success range, and how many measurements to take, how far apart, and how many failed
or inconclusive ones are tolerated (the model of Argo Rollouts' AnalysisTemplate metrics
and Flagger's MetricTemplate `thresholdRange`). An empty or NaN result is inconclusive
unless a check says otherwise: it is never silently a pass.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from knstack.api.duration import parse_go_duration
from knstack.api.validation.names import dns1123_label_error
from knstack.stack.base import SettingsModel

BuiltinTemplate = Literal["success-rate", "latency-p99"]
# Whose metric names a built-in template queries; default: the environment's gateway (or
# the KEDA HTTP add-on interceptor when it is enabled, since traffic then passes through it).
MetricsSource = Literal["gateway-api", "istio", "nginx", "keda-http-add-on"]
EmptyResult = Literal["inconclusive", "fail", "pass"]


def _duration(value: str) -> str:
    seconds = parse_go_duration(value)
    if seconds <= 0:
        raise ValueError(f"{value!r} must be a positive duration (such as 30s, 1m)")
    return value


class PrometheusProvider(SettingsModel):
    """A Prometheus HTTP API (`/api/v1/query`), e.g. http://prometheus.monitoring:9090."""

    address: str
    timeout: str = "10s"

    @field_validator("address")
    @classmethod
    def _http_address(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http:// or https:// address")
        return value.rstrip("/")

    @field_validator("timeout")
    @classmethod
    def _timeout_is_duration(cls, value: str) -> str:
        return _duration(value)


class AnalysisProvider(SettingsModel):
    """Where measurements come from (one provider kind per entry)."""

    prometheus: PrometheusProvider | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> AnalysisProvider:
        if self.prometheus is None:
            raise ValueError("a provider needs one kind (prometheus)")
        return self


class SuccessRange(SettingsModel):
    """The measurement passes when min <= value <= max (either bound may be left out)."""

    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _a_bound(self) -> SuccessRange:
        if self.min is None and self.max is None:
            raise ValueError("a success range needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        return self

    def describe(self) -> str:
        if self.max is None:
            return f">= {self.min:g}"
        if self.min is None:
            return f"<= {self.max:g}"
        return f"in [{self.min:g}, {self.max:g}]"


class AnalysisCheck(SettingsModel):
    """One named check: a query and the range its result must fall in."""

    name: str
    template: BuiltinTemplate | None = None
    metrics: MetricsSource | None = None  # with template: whose metric names it uses
    query: str | None = None  # PromQL with {{variables}}, instead of a template
    success: SuccessRange
    on_empty: EmptyResult = "inconclusive"  # what an empty or NaN result means
    window: str = "1m"  # the {{window}} of the query (a PromQL range)
    interval: str = "1m"  # time between measurements
    count: int = Field(default=1, ge=1)  # measurements per analysis
    failure_limit: int = Field(default=0, ge=0)  # failed measurements tolerated
    inconclusive_limit: int = Field(default=0, ge=0)  # inconclusive measurements tolerated

    @field_validator("name")
    @classmethod
    def _name_is_label(cls, value: str) -> str:
        if err := dns1123_label_error(value):
            raise ValueError(err)
        return value

    @field_validator("window", "interval")
    @classmethod
    def _are_durations(cls, value: str) -> str:
        return _duration(value)

    @model_validator(mode="after")
    def _template_or_query(self) -> AnalysisCheck:
        if (self.template is None) == (self.query is None):
            raise ValueError(f"check {self.name}: give either template or query (one of them)")
        if self.metrics is not None and self.template is None:
            raise ValueError(f"check {self.name}: metrics chooses a template's metric names")
        return self


class ServiceAnalysis(SettingsModel):
    """A service's own checks, replacing the environment's for that service."""

    checks: list[AnalysisCheck]


class AnalysisSettings(SettingsModel):
    """The environment's canary analysis; no checks means no analysis gate."""

    provider: AnalysisProvider | None = None
    checks: list[AnalysisCheck] = Field(default_factory=list)
    services: dict[str, ServiceAnalysis] = Field(default_factory=dict)
    # Generated pipelines run `advance --auto` on this cron schedule (UTC), and publish the
    # result as a commit to the branch or as a pull request.
    schedule: str = "*/15 * * * *"
    publish: Literal["commit", "pull-request"] = "commit"

    @field_validator("schedule")
    @classmethod
    def _five_fields(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(
                f"{value!r} is not a cron schedule (five fields: minute hour day month weekday)"
            )
        return value

    @model_validator(mode="after")
    def _consistent(self) -> AnalysisSettings:
        problems = []
        every = [("checks", self.checks)] + [
            (f"services.{key}.checks", s.checks) for key, s in self.services.items()
        ]
        for where, checks in every:
            names = [c.name for c in checks]
            duplicates = sorted({n for n in names if names.count(n) > 1})
            if duplicates:
                problems.append(f"{where}: duplicate check names: {', '.join(duplicates)}")
        if any(checks for _, checks in every) and self.provider is None:
            problems.append("checks need a provider (provider.prometheus.address)")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def defined(self) -> bool:
        return bool(self.checks) or any(s.checks for s in self.services.values())

    def checks_for(self, service_key: str) -> list[AnalysisCheck]:
        """The checks of a service (its release key, `name` or `namespace/name`)."""
        own = self.services.get(service_key)
        return own.checks if own is not None else self.checks
