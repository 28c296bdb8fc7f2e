"""Go `time.ParseDuration` syntax, which Knative uses for every duration setting."""

from __future__ import annotations

import re

_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> float:
    """Seconds in a Go duration such as `1m30s`, `6s`, `0`, `-1.5h`. Raises ValueError."""
    value = text.strip()
    if not value:
        raise ValueError("empty duration")
    sign = 1.0
    if value[0] in "+-":
        sign = -1.0 if value[0] == "-" else 1.0
        value = value[1:]
    if value == "0":
        return 0.0
    pos = 0
    total = 0.0
    while pos < len(value):
        match = _PART.match(value, pos)
        if not match:
            raise ValueError(
                f"invalid duration {text!r} (expected Go syntax such as 30s, 1m30s, 1h)"
            )
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        pos = match.end()
    return sign * total


def format_go_duration(seconds: float) -> str:
    """The canonical Go form of a whole number of seconds (`90` -> `1m30s`)."""
    whole = int(seconds)
    if whole == 0:
        return "0s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    out = ""
    if hours:
        out += f"{hours}h"
    if hours or minutes:
        out += f"{minutes}m"
    return out + f"{secs}s"
