"""`--override` and `--service-time` as a user gives them: what they change, and the
messages for what they refuse."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from knstack.cli import main
from knstack.errors import InputError
from knstack.simulate.overrides import parse_override
from knstack.simulate.service_time import ServiceTime, parse_service_time, total_percentile

REPO = Path(__file__).resolve().parents[2]
BASE = ["simulate", "-C", str(REPO), "--stack", "prod", "--service", "coffee",
        "--pattern", "bursty", "--duration", "2h", "--rate", "1500", "--format", "json"]  # fmt: skip
HPA = "class=hpa.autoscaling.knative.dev,metric=cpu,target=60"


def _run(capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, dict]:
    assert main([*BASE, *extra]) == 0
    doc = json.loads(capsys.readouterr().out)
    return {c["configuration"]: c for c in doc["configurations"]}


def test_override_is_one_more_configuration(capsys: pytest.CaptureFixture[str]) -> None:
    doc = _run(capsys, "--override", "max-scale=2", "--override", HPA)
    rendered_label = "as rendered (keda-http)"  # prod-eu runs coffee on the KEDA HTTP add-on
    assert list(doc) == [rendered_label, "as rendered + max-scale=2", f"as rendered + {HPA}"]
    rendered, capped, hpa = doc.values()
    assert capped["peak_pods"] == 2 < rendered["peak_pods"]
    assert capped["added_latency_p99_s"] > rendered["added_latency_p99_s"]
    # the class changed: the HPA model ran (it never panics and never goes below one pod)
    assert hpa["panic_seconds"] == 0 and hpa["pod_seconds"] != rendered["pod_seconds"]


@pytest.mark.parametrize(
    ("override", "words"),
    [
        ("target=-1", "autoscaling.knative.dev/target"),
        ("max-scale=2,min-scale=3", "min-scale"),
        ("min-scal=2", "did you mean"),
        ("target", "must be KEY=VALUE"),
    ],
)
def test_override_refused(override: str, words: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "--override", override]) == 2
    err = capsys.readouterr().err
    assert "--override" in err and words in err and "Traceback" not in err


def test_parse_override_prefixes_short_keys() -> None:
    override = parse_override("target=50, knstack.dev/schedule-timezone=UTC")
    assert override.annotations == {
        "autoscaling.knative.dev/target": "50",
        "knstack.dev/schedule-timezone": "UTC",
    }


def test_service_time_distributions() -> None:
    assert parse_service_time("200ms") == ServiceTime("fixed", 0.2)
    assert parse_service_time("exp:1s") == ServiceTime("exp", 1.0)
    assert parse_service_time("lognormal:200ms:0.8") == ServiceTime("lognormal", 0.2, 0.8)
    for bad in ("fast", "exp:0ms", "lognormal:200ms", "lognormal:200ms:0", "gamma:1s"):
        with pytest.raises(InputError):
            parse_service_time(bad)
    waits = [0.0] * 10
    waits[0] = 100.0
    # no waiting: the total is the service time's own percentile
    assert total_percentile(waits, ServiceTime("fixed", 0.2), 99) == pytest.approx(0.2, abs=1e-3)
    assert total_percentile(waits, ServiceTime("exp", 1.0), 99) == pytest.approx(
        np.log(100), abs=1e-3
    )
    lognormal = ServiceTime("lognormal", 0.2, 0.8)
    mu = np.log(0.2) - 0.32
    assert total_percentile(waits, lognormal, 50) == pytest.approx(np.exp(mu), abs=1e-3)
    waits[3] = 100.0  # half the requests waited three seconds
    assert total_percentile(waits, ServiceTime("fixed", 0.2), 99) == pytest.approx(3.2, abs=1e-3)


def test_service_time_shapes_the_total_latency(capsys: pytest.CaptureFixture[str]) -> None:
    quiet = ("--rate", "40")  # one pod serves it all: nobody waits
    fixed = _run(capsys, *quiet, "--service-time", "200ms")["as rendered (keda-http)"]
    tail = _run(capsys, *quiet, "--service-time", "lognormal:200ms:1.5")["as rendered (keda-http)"]
    # the same mean: the same pods and cost; the total p99 is the service time's own
    assert fixed["pod_seconds"] == tail["pod_seconds"]
    assert fixed["added_latency_p99_s"] == tail["added_latency_p99_s"] == 0
    assert fixed["total_latency_p99_s"] == pytest.approx(0.2, abs=1e-3)
    p99 = 0.2 * np.exp(-(1.5**2) / 2 + 2.3263478740 * 1.5)  # lognormal quantile
    assert tail["total_latency_p99_s"] == pytest.approx(p99, abs=2e-3)
