"""How long a pod works on one request: a fixed time or a distribution with that mean.

The request model is a per-second fluid queue (`requests.RequestQueue`): throughput and the
in-flight count the autoscalers see follow from the mean alone (Little's law). The
distribution shapes a request's total latency, its wait in whole seconds plus its own
service time, whose percentiles are those of that mixture.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from knstack.errors import InputError, Problem

KINDS = ("fixed", "exp", "lognormal")
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)$")
_ERF = np.frompyfunc(math.erf, 1, 1)


@dataclass(frozen=True)
class ServiceTime:
    kind: str = "fixed"
    mean: float = 0.2  # seconds
    sigma: float = 0.0  # lognormal: standard deviation of the log

    def __str__(self) -> str:
        mean = f"{self.mean * 1000:g}ms"
        if self.kind == "fixed":
            return mean
        return f"{self.kind}:{mean}" + (f":{self.sigma:g}" if self.kind == "lognormal" else "")

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """P(service time <= x)."""
        x = np.asarray(x, dtype=float)
        if self.kind == "fixed":
            return (x >= self.mean).astype(float)
        positive = np.maximum(x, 1e-12)
        if self.kind == "exp":
            return np.where(x > 0, 1.0 - np.exp(-positive / self.mean), 0.0)
        mu = math.log(self.mean) - self.sigma**2 / 2  # a lognormal with this mean
        z = (np.log(positive) - mu) / (self.sigma * math.sqrt(2.0))
        return np.where(x > 0, 0.5 * (1.0 + _ERF(z).astype(float)), 0.0)


def parse_service_time(text: str) -> ServiceTime:
    """`200ms`, `exp:200ms` or `lognormal:200ms:0.8` (mean, then sigma of the log)."""
    parts = text.strip().split(":")
    kind = parts[0] if len(parts) > 1 else "fixed"
    mean_text = parts[1] if len(parts) > 1 else parts[0]
    expected = {"fixed": 2, "exp": 2, "lognormal": 3}.get(kind)
    match = _DURATION.match(mean_text)
    ok = expected is not None and (len(parts) == expected or (kind == "fixed" and len(parts) == 1))
    if not ok or not match or float(match.group(1)) <= 0:
        raise InputError([Problem(
            f"--service-time: {text!r} must be a duration (200ms), exp:MEAN or "
            "lognormal:MEAN:SIGMA, with a mean above zero"
        )])  # fmt: skip
    mean = float(match.group(1)) * (0.001 if match.group(2) == "ms" else 1.0)
    sigma = 0.0
    if kind == "lognormal":
        try:
            sigma = float(parts[2])
        except ValueError:
            sigma = -1.0
        if not 0.0 < sigma <= 5.0:
            raise InputError(
                [Problem(f"--service-time: sigma {parts[2]!r} must be above 0 and at most 5")]
            )
    return ServiceTime(kind, mean, sigma)


def total_percentile(waits: list[float], service: ServiceTime, p: float) -> float:
    """The p-th percentile (seconds) of wait (whole seconds, `waits[w]` requests) plus
    service time, by bisection on the mixture's distribution function."""
    counts = np.asarray(waits, dtype=float)
    seconds = np.nonzero(counts)[0]
    total = counts.sum()
    if total <= 0:
        return 0.0
    weights = counts[seconds] / total
    goal = p / 100.0

    def share_below(x: float) -> float:
        return float(np.dot(weights, service.cdf(x - seconds)))

    low, high = 0.0, float(seconds[-1]) + service.mean * 10 + 1.0
    while share_below(high) < goal and high < 1e9:
        low, high = high, high * 2
    for _ in range(60):
        middle = (low + high) / 2
        if share_below(middle) >= goal:
            high = middle
        else:
            low = middle
    return round(high, 3)
