"""Running an analysis: each check's measurements, their verdicts, and the overall verdict.

A measurement passes when its value lies in the check's success range, fails outside it,
and is inconclusive when the provider could not say (no data, NaN, unreachable, a query
error), unless the check's `onEmpty` says what an empty result means. A check fails when
more measurements failed than its failureLimit, is inconclusive when more were
inconclusive than its inconclusiveLimit, and passes otherwise. The analysis fails if any
check fails, is inconclusive if any is, and passes only when every check passes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from knstack.analysis.providers import Provider, Reading, provider_for
from knstack.analysis.templates import TemplateError, fill, promql_duration, query_template
from knstack.api.duration import parse_go_duration
from knstack.errors import InputError, Problem
from knstack.naming import deployment_name
from knstack.stack.analysis_settings import AnalysisCheck, MetricsSource

if TYPE_CHECKING:  # knstack.promote imports this package
    from knstack.promote.state import EnvState

Verdict = Literal["pass", "fail", "inconclusive"]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Measurement:
    verdict: Verdict
    reading: Reading

    def describe(self) -> str:
        if self.reading.kind == "value":
            return f"{self.reading.value:.6g}"
        return f"{self.reading.kind}: {self.reading.message}"


@dataclass(frozen=True)
class CheckResult:
    check: AnalysisCheck
    query: str
    measurements: tuple[Measurement, ...]
    verdict: Verdict

    def to_dict(self) -> dict[str, Any]:
        return {
            "check": self.check.name,
            "verdict": self.verdict,
            "success": self.check.success.describe(),
            "query": self.query,
            "measurements": [
                {"value": m.reading.value, "verdict": m.verdict}
                if m.reading.kind == "value"
                else {"value": None, "verdict": m.verdict, "note": m.describe()}
                for m in self.measurements
            ],
        }


@dataclass(frozen=True)
class AnalysisResult:
    environment: str
    service: str  # namespace/name
    revision: str
    stable: str | None
    checks: tuple[CheckResult, ...] = field(default_factory=tuple)

    @property
    def verdict(self) -> Verdict:
        verdicts = {c.verdict for c in self.checks}
        if "fail" in verdicts:
            return "fail"
        return "inconclusive" if "inconclusive" in verdicts else "pass"

    def summary(self) -> str:
        parts = [f"{c.check.name} {c.verdict} ({_values(c)})" for c in self.checks]
        return f"{self.revision}: {self.verdict}: " + "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "revision": self.revision,
            "stable": self.stable,
            "verdict": self.verdict,
            "checks": [c.to_dict() for c in self.checks],
        }


def _values(result: CheckResult) -> str:
    return ", ".join(m.describe() for m in result.measurements) + (
        f"; wanted {result.check.success.describe()}"
    )


def judge(check: AnalysisCheck, reading: Reading) -> Measurement:
    if reading.kind == "value":
        assert reading.value is not None
        low, high = check.success.min, check.success.max
        inside = (low is None or reading.value >= low) and (high is None or reading.value <= high)
        return Measurement("pass" if inside else "fail", reading)
    if reading.kind == "empty":
        return Measurement(check.on_empty, reading)
    return Measurement("inconclusive", reading)


def check_verdict(check: AnalysisCheck, measurements: list[Measurement]) -> Verdict:
    failed = sum(m.verdict == "fail" for m in measurements)
    unknown = sum(m.verdict == "inconclusive" for m in measurements)
    if failed > check.failure_limit:
        return "fail"
    if unknown > check.inconclusive_limit:
        return "inconclusive"
    return "pass"


def run_checks(
    checks: list[AnalysisCheck],
    queries: Mapping[str, str],
    provider: Provider,
    sleep: Sleep = time.sleep,
) -> tuple[CheckResult, ...]:
    """Take each check's `count` measurements, `interval` apart (checks interleaved)."""
    taken: dict[str, list[Measurement]] = {c.name: [] for c in checks}
    rounds = max(c.count for c in checks)
    for round_ in range(rounds):
        due = [c for c in checks if c.count > round_]
        if round_:
            sleep(min(parse_go_duration(c.interval) for c in due))
        for check in due:
            taken[check.name].append(judge(check, provider.measure(queries[check.name])))
    return tuple(
        CheckResult(c, queries[c.name], tuple(taken[c.name]), check_verdict(c, taken[c.name]))
        for c in checks
    )


def metrics_source(state: EnvState) -> MetricsSource:
    """Whose metric names the built-in templates use: the interceptor's when the KEDA HTTP
    add-on carries the traffic, else the gateway's."""
    settings = state.settings
    if settings.keda_http_add_on.enabled:
        return "keda-http-add-on"
    kind = settings.gateway.kind
    if kind == "alb":
        raise InputError(
            Problem(
                "the alb gateway exports no Prometheus metrics knstack knows; give each check a query (or metrics:)",
                file=str(state.file),
                field="knstack:analysis.checks",
            )
        )
    return kind


def analyze(
    state: EnvState, service: str, *, provider: Provider | None = None, sleep: Sleep = time.sleep
) -> AnalysisResult | None:
    """Analyze the candidate of `service` in the environment; None when it defines no checks."""
    settings = state.settings.analysis
    key, full = state.service_key(service)
    checks = settings.checks_for(key)
    if not checks:
        return None
    release = state.settings.releases.get(key)
    if release is None or release.candidate is None:
        raise InputError(
            Problem(
                f"no candidate in progress for {full} in {state.name}; nothing to analyze",
                file=str(state.file),
                field=f"knstack:releases.{key}",
            )
        )
    queries = _queries(state, checks, key, full, release.candidate, release.stable)
    assert settings.provider is not None  # the settings model requires one with checks
    results = run_checks(checks, queries, provider or provider_for(settings.provider), sleep)
    return AnalysisResult(state.name, full, release.candidate, release.stable, results)


def _queries(
    state: EnvState,
    checks: list[AnalysisCheck],
    key: str,
    full: str,
    candidate: str,
    stable: str | None,
) -> dict[str, str]:
    namespace, name = full.split("/", 1)
    plan = state.settings.canary
    release = state.settings.releases[key]
    clusters = plan.waves[release.wave - 1] if plan.waves else state.clusters
    base = {
        "service": name,
        "namespace": namespace,
        "revision": candidate,
        "deployment": deployment_name(candidate),
        "stableRevision": stable,
        "cluster": "|".join(clusters),
    }
    queries: dict[str, str] = {}
    where = "checks" if key not in state.settings.analysis.services else f"services.{key}.checks"
    for index, check in enumerate(checks):
        values = {**base, "window": promql_duration(parse_go_duration(check.window))}
        try:
            source = check.metrics or (metrics_source(state) if check.template else None)
            queries[check.name] = fill(query_template(check, source), values)
        except TemplateError as err:
            raise InputError(
                Problem(
                    f"check {check.name}: {err}",
                    file=str(state.file),
                    field=f"knstack:analysis.{where}[{index}].query",
                )
            ) from None
    return queries
