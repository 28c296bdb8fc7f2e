"""How measurements become verdicts (a scripted provider: the real Prometheus runs are in
test_analyze.py and test_auto.py)."""

from __future__ import annotations

from knstack.analysis.providers import Reading, _reading
from knstack.analysis.run import run_checks
from knstack.analysis.templates import TEMPLATES, fill
from knstack.stack.analysis_settings import AnalysisCheck


class Scripted:
    name = "scripted"

    def __init__(self, readings: list[Reading]) -> None:
        self.readings = list(readings)

    def measure(self, query: str) -> Reading:
        return self.readings.pop(0)


def check(**extra: object) -> AnalysisCheck:
    return AnalysisCheck.model_validate(
        {"name": "rate", "query": "q", "success": {"min": 0.99}, "interval": "10s", **extra}
    )


def verdict(readings: list[Reading], **extra: object) -> tuple[str, list[float]]:
    slept: list[float] = []
    (result,) = run_checks([check(**extra)], {"rate": "q"}, Scripted(readings), slept.append)
    return result.verdict, slept


def test_failure_limit_tolerates_that_many_failures() -> None:
    bad, good = Reading("value", 0.9), Reading("value", 1.0)
    assert verdict([bad, good, good], count=3, failureLimit=1) == ("pass", [10.0, 10.0])
    assert verdict([bad, bad, good], count=3, failureLimit=1)[0] == "fail"


def test_empty_is_inconclusive_unless_said_otherwise() -> None:
    empty = Reading("empty", message="no series")
    assert verdict([empty])[0] == "inconclusive"
    assert verdict([empty], onEmpty="fail")[0] == "fail"
    assert verdict([empty, Reading("value", 1.0)], count=2, inconclusiveLimit=1)[0] == "pass"


def test_failure_outweighs_inconclusive() -> None:
    readings = [Reading("error", message="down"), Reading("value", 0.5)]
    assert verdict(readings, count=2)[0] == "fail"


def test_nan_and_many_series() -> None:
    assert _reading({"resultType": "vector", "result": [{"value": [0, "NaN"]}]}).kind == "empty"
    two = {"resultType": "vector", "result": [{"value": [0, "1"]}, {"value": [0, "1"]}]}
    assert "2 series" in _reading(two).message


def test_every_builtin_template_fills() -> None:
    values = {
        "service": "coffee",
        "namespace": "shop",
        "revision": "coffee-00002",
        "deployment": "coffee-00002-deployment",
        "stableRevision": "coffee-00001",
        "cluster": "eu",
        "window": "60s",
    }
    for source, templates in TEMPLATES.items():
        for name, template in templates.items():
            query = fill(template, values)
            assert "{{" not in query and "[60s]" in query, (source, name)
            assert "coffee-00002" in query, (source, name)
