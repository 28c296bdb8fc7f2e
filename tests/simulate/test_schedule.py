"""Schedule plus HPA: KEDA's cron windows beside the CPU trigger, as the prod stack's
pastry revision renders them (Europe/Berlin, weekdays 06:30 to 10:00, 6 pods)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from knstack.cli import main
from knstack.simulate.keda_schedule import CronWindow, keda_hpa_spec

REPO = Path(__file__).resolve().parents[2]
MONDAY = datetime(2026, 1, 5)  # midnight, read in the schedule's zone


def test_cron_window_opens_and_closes_as_keda_decides() -> None:
    window = CronWindow("30 6 * * 1-5", "0 10 * * 1-5", "Europe/Berlin", MONDAY, 3 * 86400)
    at = lambda h, m=0, s=0, day=0: day * 86400 + h * 3600 + m * 60 + s  # noqa: E731
    assert not window.open_at(at(6, 29, 59))
    assert window.open_at(at(6, 30))  # the start has passed: the end comes first
    assert window.open_at(at(9, 59, 59))
    assert not window.open_at(at(10))
    assert window.open_at(at(7, day=1)) and not window.open_at(at(23, day=1))
    # the same instant given in UTC: 05:30 UTC is 06:30 in Berlin in January
    utc = CronWindow("30 6 * * 1-5", "0 10 * * 1-5", "Europe/Berlin",
                     datetime.fromisoformat("2026-01-05T05:30:00+00:00"), 86400)  # fmt: skip
    assert utc.open_at(0) and not utc.open_at(-1)


def test_keda_hpa_from_the_scaled_object() -> None:
    scaled_object = {
        "spec": {
            "minReplicaCount": 0,
            "maxReplicaCount": 12,
            "advanced": {
                "horizontalPodAutoscalerConfig": {
                    "behavior": {"scaleDown": {"stabilizationWindowSeconds": 60}}
                }
            },
            "triggers": [
                {
                    "type": "cron",
                    "metadata": {
                        "timezone": "UTC",
                        "start": "0 8 * * *",
                        "end": "0 9 * * *",
                        "desiredReplicas": "4",
                    },
                },
                {"type": "cpu", "metricType": "Utilization", "metadata": {"value": "65"}},
            ],
        }
    }
    spec, crons = keda_hpa_spec(scaled_object)
    assert (spec.min_replicas, spec.max_replicas, spec.cpu_utilization) == (1, 12, 65)
    assert [(t.name, t.average_milli) for t in spec.external] == [("s0-cron", 1000)]
    assert spec.behavior is not None and spec.behavior.scale_down.window == 60
    assert spec.behavior.scale_up.window == 0  # defaulted by the API server
    assert [name for name, _ in crons] == ["s0-cron"]


def test_prod_pastry_holds_the_window(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", "-C", str(REPO), "--stack", "prod", "--service", "pastry",
            "--pattern", "steady", "--rate", "1", "--duration", "24h",
            "--compare", "hpa,schedule+hpa", "--format", "json"]  # fmt: skip
    assert main(args) == 0
    doc = {c["configuration"]: c for c in json.loads(capsys.readouterr().out)["configurations"]}
    assert set(doc) == {"as rendered (keda-schedule)", "hpa", "schedule+hpa"}
    scheduled, plain = doc["schedule+hpa"], doc["hpa"]
    assert scheduled["peak_pods"] == 6 and plain["peak_pods"] == 1
    # 3.5 h at 6 pods, the rest at 1 (the HPA's minimum), and after the window the five
    # extra pods stay for the controller's 5-minute downscale stabilisation
    expected = (20.5 * 3600 * 1 + 3.5 * 3600 * 6 + 300 * 5) / 86400
    assert scheduled["mean_pods"] == pytest.approx(expected, abs=0.002)
    assert doc["as rendered (keda-schedule)"]["pod_seconds"] == scheduled["pod_seconds"]


def test_schedule_needs_a_schedule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["simulate", "-C", str(REPO), "--stack", "prod", "--service", "coffee",
            "--pattern", "steady", "--duration", "1h", "--compare", "schedule+hpa"]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "schedule+hpa" in err and "knstack.dev/schedule" in err


def test_start_moves_the_window(capsys: pytest.CaptureFixture[str]) -> None:
    base = ["simulate", "-C", str(REPO), "--stack", "prod", "--service", "pastry",
            "--pattern", "steady", "--rate", "1", "--duration", "2h", "--format", "json"]  # fmt: skip
    assert main([*base, "--start", "2026-01-05T07:00"]) == 0
    inside = json.loads(capsys.readouterr().out)["configurations"][0]
    assert main([*base, "--start", "2026-01-10T07:00"]) == 0  # a Saturday
    weekend = json.loads(capsys.readouterr().out)["configurations"][0]
    assert inside["peak_pods"] == 6 and weekend["peak_pods"] == 1
    assert np.isclose(weekend["mean_pods"], 1.0)
