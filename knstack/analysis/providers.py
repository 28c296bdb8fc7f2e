"""Metrics providers: run one query, return one number (or say why there is none).

The provider interface is `Provider.measure(query) -> Reading`; Prometheus is the first
implementation, through its HTTP API (`GET /api/v1/query`, prometheus/prometheus
web/api/v1/api.go) with the standard library's HTTP client. A reading is a value, an empty
result (no series, or NaN), or an error (unreachable, a query the server rejects, more
than one series): never an exception, so one bad check cannot hide the others.
"""

from __future__ import annotations

import json
import math
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Literal, Protocol

from knstack.api.duration import parse_go_duration
from knstack.stack.analysis_settings import AnalysisProvider, PrometheusProvider

ReadingKind = Literal["value", "empty", "error"]


@dataclass(frozen=True)
class Reading:
    kind: ReadingKind
    value: float | None = None
    message: str = ""


class Provider(Protocol):
    name: str

    def measure(self, query: str) -> Reading: ...


class Prometheus:
    name = "prometheus"

    def __init__(self, settings: PrometheusProvider) -> None:
        self.address = settings.address
        self.timeout = parse_go_duration(settings.timeout)

    def measure(self, query: str) -> Reading:
        url = f"{self.address}/api/v1/query?" + urllib.parse.urlencode({"query": query})
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as err:
            return Reading("error", message=_api_error(err.read(), f"HTTP {err.code}"))
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            return Reading("error", message=f"Prometheus at {self.address} unreachable: {reason}")
        try:
            payload = json.loads(body)
        except ValueError:
            return Reading("error", message=f"Prometheus at {self.address} answered with no JSON")
        if payload.get("status") != "success":
            return Reading("error", message=_api_error(body, "query failed"))
        return _reading(payload.get("data") or {})


def _api_error(body: bytes, fallback: str) -> str:
    try:
        payload = json.loads(body)
    except ValueError:
        return fallback
    kind, error = payload.get("errorType"), payload.get("error")
    return f"{kind}: {error}" if kind and error else fallback


def _reading(data: dict[str, object]) -> Reading:
    kind, result = data.get("resultType"), data.get("result")
    if kind == "scalar" and isinstance(result, list):
        return _number(result[1])
    if kind == "vector" and isinstance(result, list):
        if not result:
            return Reading("empty", message="no series")
        if len(result) > 1:
            return Reading(
                "error",
                message=f"the query returned {len(result)} series; a check needs one (aggregate it, e.g. sum(...))",
            )
        return _number(result[0]["value"][1])
    return Reading("error", message=f"the query returned a {kind}; a check needs a number")


def _number(text: object) -> Reading:
    try:
        value = float(str(text))
    except ValueError:
        return Reading("error", message=f"not a number: {text!r}")
    if math.isnan(value):
        return Reading("empty", message="NaN (no requests in the window?)")
    return Reading("value", value=value)


def provider_for(settings: AnalysisProvider) -> Provider:
    assert settings.prometheus is not None  # the settings model requires one kind
    return Prometheus(settings.prometheus)
