"""Schedule plus HPA: KEDA's cron triggers beside the CPU trigger, in one HPA.

The model reads the ScaledObject knstack renders (knstack.expand.autoscaling.keda_schedule)
and builds the HorizontalPodAutoscaler KEDA makes from it (kedacore/keda
pkg/scaling/resolver and controllers/keda/hpa.go: min/maxReplicaCount, one metric per
trigger, the `advanced.horizontalPodAutoscalerConfig.behavior`). Each cron trigger is an
External metric with an AverageValue target of 1 whose value is `desiredReplicas` while
the window is open and 0 otherwise (pkg/scalers/cron_scaler.go); a window is open when the
end's next occurrence comes before the start's (both robfig/cron `Next` from now, in the
trigger's time zone). The HPA takes the highest proposal (`hpa.HpaController`).
Simulated time 0 is `start`; without a time zone it is read in the schedule's.
"""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cronsim import CronSim

from knstack.simulate.hpa import HpaModel
from knstack.simulate.hpa_spec import DEFAULT_CPU_UTILIZATION, HpaSpec, hpa_spec


class CronWindow:
    """When one cron trigger is open, from its start and end occurrences over the trace."""

    def __init__(self, start: str, end: str, zone: str, origin: datetime, seconds: int) -> None:
        tz = ZoneInfo(zone)
        # a start without a zone is read in the schedule's own zone
        local = origin.replace(tzinfo=tz) if origin.tzinfo is None else origin.astimezone(tz)
        self.starts = _occurrences(start, local, seconds)
        self.ends = _occurrences(end, local, seconds)

    def open_at(self, now: float) -> bool:
        """KEDA: open unless the next start comes before the next end."""
        next_start = _next(self.starts, now)
        next_end = _next(self.ends, now)
        return not next_start < next_end


def _occurrences(expression: str, origin: datetime, seconds: int) -> list[float]:
    """Offsets (s) from origin of every occurrence up to one past the trace's end."""
    out: list[float] = []
    # robfig's Next is strictly after its argument; start one second before time 0
    for when in CronSim(expression, origin - timedelta(seconds=1)):
        offset = (when - origin).total_seconds()
        out.append(offset)
        if offset > seconds:
            break
    return out


def _next(occurrences: list[float], now: float) -> float:
    index = bisect.bisect_right(occurrences, now)
    return occurrences[index] if index < len(occurrences) else float("inf")


def keda_hpa_spec(
    scaled_object: dict[str, Any],
) -> tuple[HpaSpec, list[tuple[str, dict[str, str]]]]:
    """The HPA KEDA makes for a ScaledObject, and its cron triggers by metric name."""
    spec = scaled_object["spec"]
    metrics: list[dict[str, Any]] = []
    crons: list[tuple[str, dict[str, str]]] = []
    cpu = DEFAULT_CPU_UTILIZATION
    for index, trigger in enumerate(spec["triggers"]):
        if trigger["type"] == "cron":
            name = f"s{index}-cron"
            crons.append((name, trigger["metadata"]))
            target = {"type": "AverageValue", "averageValue": "1"}
            metrics.append(
                {"type": "External", "external": {"metric": {"name": name}, "target": target}}
            )
        elif trigger["type"] == "cpu":
            cpu = int(trigger["metadata"]["value"])
    # A memory trigger is simulated on CPU at Kubernetes' default target: the simulation
    # derives CPU from the load and has no memory model.
    utilization = {"type": "Utilization", "averageUtilization": cpu}
    metrics.append({"type": "Resource", "resource": {"name": "cpu", "target": utilization}})
    hpa: dict[str, Any] = {
        "minReplicas": max(1, spec.get("minReplicaCount", 0)),  # KEDA's HPA never has 0
        "maxReplicas": spec.get("maxReplicaCount", 100),
        "metrics": metrics,
    }
    behavior = spec.get("advanced", {}).get("horizontalPodAutoscalerConfig", {}).get("behavior")
    if behavior is not None:
        hpa["behavior"] = behavior
    return hpa_spec(hpa), crons


class KedaScheduleModel(HpaModel):
    """An HPA on CPU plus KEDA's cron metrics."""

    def __init__(
        self,
        scaled_object: dict[str, Any],
        pod_concurrency: float,
        start: datetime,
        seconds: int,
        label: str = "schedule+hpa",
    ) -> None:
        spec, crons = keda_hpa_spec(scaled_object)
        super().__init__(spec, pod_concurrency, label)
        self.windows = [
            (
                name,
                int(meta["desiredReplicas"]),
                CronWindow(meta["start"], meta["end"], meta["timezone"], start, seconds),
            )
            for name, meta in crons
        ]

    def external(self, now: int) -> dict[str, int]:
        return {
            name: replicas * 1000 if window.open_at(now) else 0
            for name, replicas, window in self.windows
        }
