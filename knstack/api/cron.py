"""Cron expressions as KEDA's cron scaler reads them: five fields, "Linux format".

KEDA parses `start`/`end` with robfig/cron's standard fields (minute, hour, day of
month, month, day of week). This checks the same grammar, so a bad schedule fails at
render time with a precise message instead of in the KEDA operator's log: lists (`,`),
ranges (`-`), steps (`/`), `*` or `?`, and month/day names (JAN-DEC, SUN-SAT).
"""

from __future__ import annotations

from dataclasses import dataclass

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: dict[str, int]


_FIELDS = (
    _Field("minute", 0, 59, {}),
    _Field("hour", 0, 23, {}),
    _Field("day of month", 1, 31, {}),
    _Field("month", 1, 12, {m: i + 1 for i, m in enumerate(MONTHS)}),
    _Field("day of week", 0, 6, {d: i for i, d in enumerate(DAYS)}),
)


def cron_error(expression: str) -> str | None:
    """Why KEDA would reject a cron expression, or None when it is valid."""
    text = expression.strip()
    if text.startswith(("@", "CRON_TZ=", "TZ=")):
        return (
            f"{expression!r}: use the five cron fields (minute hour day-of-month month "
            "day-of-week); descriptors and time zone prefixes are not accepted"
        )
    parts = text.split()
    if len(parts) != len(_FIELDS):
        return (
            f"{expression!r} has {len(parts)} field(s); a cron expression has five: "
            "minute hour day-of-month month day-of-week"
        )
    for part, spec in zip(parts, _FIELDS, strict=True):
        for item in part.split(","):
            if err := _range_error(item, spec):
                return f"{expression!r}: {spec.name} {err}"
    return None


def _range_error(item: str, spec: _Field) -> str | None:
    body, slash, step_text = item.partition("/")
    if slash and (not step_text.isdigit() or int(step_text) == 0):
        return f"step {step_text!r} must be a positive whole number"
    if body in ("*", "?"):
        return None
    low_text, dash, high_text = body.partition("-")
    low = _value(low_text, spec)
    if low is None:
        return f"{low_text!r} is not a value between {spec.low} and {spec.high}{_name_hint(spec)}"
    if not dash:
        return None
    high = _value(high_text, spec)
    if high is None:
        return f"{high_text!r} is not a value between {spec.low} and {spec.high}{_name_hint(spec)}"
    if low > high:
        return f"range {body!r} runs backwards"
    return None


def _value(text: str, spec: _Field) -> int | None:
    if text.upper() in spec.names:
        return spec.names[text.upper()]
    if not text.isdigit():
        return None
    value = int(text)
    return value if spec.low <= value <= spec.high else None


def _name_hint(spec: _Field) -> str:
    if not spec.names:
        return ""
    names = list(spec.names)
    return f" (or {names[0]}-{names[-1]})"
