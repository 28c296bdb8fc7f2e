"""knstack's own template annotations (`knstack.dev/*`), typed and validated.

Knative has no word for some things platform teams ask for; knstack adds them as
annotations on `spec.template.metadata`, next to Knative's autoscaling ones, so they stay
part of the revision (and of its ledger digest).
"""

from __future__ import annotations

import json
import zoneinfo
from dataclasses import dataclass

from knstack.api.autoscaling import HPA, SETTING_KEYS, Autoscaling, annotation_field
from knstack.api.cron import cron_error
from knstack.api.waivers import WAIVE_PREFIX
from knstack.errors import Problem

PREFIX = "knstack.dev/"
# Keep one low-spec pod instead of scaling to zero (the environment sizes it).
RESERVED_INSTANCE = PREFIX + "reserved-instance"
# Planned capacity: cron windows with a replica count, combined with the HPA's demand.
SCHEDULE = PREFIX + "schedule"
SCHEDULE_TIMEZONE = PREFIX + "schedule-timezone"
BOOLEAN_VALUES = {"true": True, "false": False}
DEFAULT_TIMEZONE = "UTC"
SCHEDULE_METRICS = ("cpu", "memory")
_WINDOW_KEYS = ("start", "end", "replicas")
_EXAMPLE = '[{"start": "0 8 * * 1-5", "end": "0 20 * * 1-5", "replicas": 6}]'

KNOWN: dict[str, str] = {
    RESERVED_INSTANCE: '"true" or "false": keep one low-spec pod instead of scaling to zero',
    SCHEDULE: 'a JSON list of {"start": cron, "end": cron, "replicas": n} windows (HPA class)',
    SCHEDULE_TIMEZONE: f"the IANA time zone of the schedule (default {DEFAULT_TIMEZONE})",
}


def reserved_instance(annotations: dict[str, str] | None) -> bool | None:
    """The template's choice, or None when it leaves it to the environment."""
    value = (annotations or {}).get(RESERVED_INSTANCE)
    return BOOLEAN_VALUES.get(value) if value is not None else None


@dataclass(frozen=True)
class ScheduleWindow:
    """From `start` to `end` (cron, KEDA's five fields) keep at least `replicas` pods."""

    start: str
    end: str
    replicas: int


@dataclass(frozen=True)
class Schedule:
    """Typed view of `knstack.dev/schedule` and `knstack.dev/schedule-timezone`.

    The effective replica count is the larger of the schedule's and the HPA's (KEDA
    feeds both to one HorizontalPodAutoscaler, which takes the highest proposal).
    """

    windows: tuple[ScheduleWindow, ...]
    timezone: str = DEFAULT_TIMEZONE

    def annotations(self) -> dict[str, str]:
        """The annotations that express this schedule (canonical JSON, for stable digests)."""
        windows = [{"start": w.start, "end": w.end, "replicas": w.replicas} for w in self.windows]
        out = {SCHEDULE: json.dumps(windows, separators=(", ", ": "))}
        if self.timezone != DEFAULT_TIMEZONE:
            out[SCHEDULE_TIMEZONE] = self.timezone
        return out

    @classmethod
    def of(cls, annotations: dict[str, str] | None) -> Schedule | None:
        """Parse already-validated annotations; None when the template has no schedule."""
        annotations = annotations or {}
        raw = annotations.get(SCHEDULE)
        if raw is None:
            return None
        windows = tuple(
            ScheduleWindow(w["start"], w["end"], int(w["replicas"])) for w in json.loads(raw)
        )
        return cls(windows, annotations.get(SCHEDULE_TIMEZONE, DEFAULT_TIMEZONE))


def validate_knstack_annotations(annotations: dict[str, str], base: str) -> list[Problem]:
    """Rules for knstack annotations on `spec.template.metadata`."""
    problems: list[Problem] = []
    for key in sorted(annotations):
        if not key.startswith(PREFIX):
            continue
        where = f"{base}.{annotation_field(key)}"
        if key.startswith(WAIVE_PREFIX):
            problems.append(
                Problem(
                    "waivers go on the object's metadata.annotations, not on the revision template "
                    "(a waiver is a review decision and must not mint a new revision)",
                    field=where,
                )
            )
        elif key not in KNOWN:
            known = "; ".join(f"{k} ({v})" for k, v in KNOWN.items())
            problems.append(Problem(f"unknown knstack annotation (known: {known})", field=where))
        elif key == RESERVED_INSTANCE and annotations[key] not in BOOLEAN_VALUES:
            message = f'invalid value {annotations[key]!r}: use "true" or "false"'
            problems.append(Problem(message, field=where))
        elif key == SCHEDULE:
            problems += [Problem(m, field=where) for m in _schedule_errors(annotations)]
        elif key == SCHEDULE_TIMEZONE:
            problems += [Problem(m, field=where) for m in _timezone_errors(annotations)]
    return problems


def _schedule_errors(annotations: dict[str, str]) -> list[str]:
    scaling = Autoscaling.of(annotations)
    errors: list[str] = []
    if not scaling.is_hpa:
        errors.append(
            f"a schedule needs the HPA class ({SETTING_KEYS['class'][0]}: {HPA}): KEDA combines "
            "the cron windows with CPU or memory scaling; KPA-class revisions scale on requests"
        )
    elif scaling.effective_metric not in SCHEDULE_METRICS:
        errors.append(
            "a schedule combines with cpu or memory scaling, "
            f"not the metric {scaling.effective_metric!r}"
        )
    try:
        windows = json.loads(annotations[SCHEDULE])
    except json.JSONDecodeError as err:
        return [*errors, f"is not valid JSON ({err.msg} at character {err.pos}): {_EXAMPLE}"]
    if not isinstance(windows, list) or not windows:
        return [*errors, f"must be a non-empty JSON list of windows: {_EXAMPLE}"]
    floor = max(scaling.min_scale or 0, 1)
    ceiling = scaling.max_scale or 0
    for index, window in enumerate(windows):
        errors += [f"window {index}: {m}" for m in _window_errors(window, floor, ceiling)]
    return errors


def _window_errors(window: object, floor: int, ceiling: int) -> list[str]:
    if not isinstance(window, dict):
        return [f"must be an object with start, end and replicas, e.g. {_EXAMPLE}"]
    errors: list[str] = []
    unknown = sorted(set(window) - set(_WINDOW_KEYS))
    if unknown:
        errors.append(f"unknown key(s) {', '.join(unknown)} (known: {', '.join(_WINDOW_KEYS)})")
    missing = [k for k in _WINDOW_KEYS if k not in window]
    if missing:
        errors.append(f"missing {', '.join(missing)}")
    for key in ("start", "end"):
        value = window.get(key)
        if key in window and not isinstance(value, str):
            errors.append(f"{key} must be a cron expression string")
        elif isinstance(value, str) and (err := cron_error(value)):
            errors.append(f"{key} {err}")
    start, end = window.get("start"), window.get("end")
    if isinstance(start, str) and isinstance(end, str) and start.split() == end.split():
        errors.append("start and end are the same time; KEDA needs a window")
    replicas = window.get("replicas")
    if "replicas" in window:
        if not isinstance(replicas, int) or isinstance(replicas, bool):
            errors.append(f"replicas must be a whole number, not {replicas!r}")
        elif replicas <= floor:
            errors.append(
                f"replicas={replicas} has no effect: the HPA never runs fewer than {floor} "
                "(min-scale, or 1); ask for more or drop the window"
            )
        elif ceiling and replicas > ceiling:
            errors.append(f"replicas={replicas} is more than max-scale={ceiling}, which caps it")
    return errors


def _timezone_errors(annotations: dict[str, str]) -> list[str]:
    name = annotations[SCHEDULE_TIMEZONE]
    errors = []
    if SCHEDULE not in annotations:
        errors.append(f"is only meaningful together with {SCHEDULE}")
    if not timezone_known(name):
        errors.append(f"unknown time zone {name!r}: use an IANA name such as Europe/Berlin or UTC")
    return errors


def timezone_known(name: str) -> bool:
    """An IANA time zone the stdlib knows (system zone data, or the tzdata package)."""
    if not name or name != name.strip() or name.startswith("/") or ".." in name or name == "Local":
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True
