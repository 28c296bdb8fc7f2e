"""Traffic traces: requests per second, from a CSV file or a seeded synthetic pattern.

CSV layouts read:
- a column `requests` (or `count`), one row per second; with a `minute` column, or
  `--resolution minute`, one row per minute;
- the Azure Functions 2019 trace (invocations_per_function_md.anon.d*.csv): columns
  HashOwner, HashApp, HashFunction, Trigger, then 1..1440, invocations per minute of one
  day, one row per function; the busiest function, or the one named.
Per-minute counts are spread evenly over the minute's seconds.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from knstack.errors import InputError, Problem

PATTERNS = ("steady", "step", "spike", "diurnal", "bursty", "idle-then-burst")
AZURE_KEYS = ("HashOwner", "HashApp", "HashFunction", "Trigger")
DAY_SECONDS = 86400


def _bad(path: Path, message: str, line: int | None = None) -> InputError:
    where = f"{path}:{line}" if line else str(path)
    return InputError([Problem(message, file=where)])


def per_minute(counts: np.ndarray) -> np.ndarray:
    return np.repeat(np.asarray(counts, dtype=float) / 60.0, 60)


def read_trace(path: Path, resolution: str = "second", function: str | None = None) -> np.ndarray:
    """Requests per second from a CSV file (layouts in the module docstring)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise _bad(path, f"cannot read the trace: {err.strerror or err}") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise _bad(path, "the trace is empty: expected a header line")
    header = [h.strip() for h in rows[0]]
    if header[: len(AZURE_KEYS)] == list(AZURE_KEYS):
        return _azure(path, header, rows[1:], function)
    column = next((c for c in ("requests", "count") if c in header), None)
    if column is None:
        raise _bad(
            path,
            f"no `requests` or `count` column (header: {', '.join(header)}); "
            "or use the Azure Functions 2019 layout",
            1,
        )
    if "minute" in header:
        resolution = "minute"
    index = header.index(column)
    values = []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        try:
            value = float(row[index])
        except (ValueError, IndexError):
            raise _bad(
                path,
                f"column {column}: {row[index : index + 1] or 'missing'} is not a number",
                number,
            ) from None
        if not np.isfinite(value) or value < 0:
            raise _bad(path, f"column {column}: {value:g} must be a count, 0 or more", number)
        values.append(value)
    if not values:
        raise _bad(path, "the trace has a header but no rows")
    series = np.asarray(values, dtype=float)
    return per_minute(series) if resolution == "minute" else series


def _azure(
    path: Path, header: list[str], rows: list[list[str]], function: str | None
) -> np.ndarray:
    minutes = len(header) - len(AZURE_KEYS)
    best: tuple[float, np.ndarray] | None = None
    for number, row in enumerate(rows, start=2):
        if not row:
            continue
        if function is not None and row[2] != function:
            continue
        try:
            counts = np.asarray([float(v) for v in row[len(AZURE_KEYS) :]], dtype=float)
        except ValueError:
            raise _bad(path, "invocation counts must be numbers", number) from None
        if len(counts) != minutes:
            raise _bad(path, f"expected {minutes} per-minute counts, found {len(counts)}", number)
        if best is None or counts.sum() > best[0]:
            best = (float(counts.sum()), counts)
    if best is None:
        what = f"function {function!r}" if function else "any function"
        raise _bad(path, f"no row for {what} in this Azure Functions trace")
    return per_minute(best[1])


def synthetic(
    pattern: str, seed: int, seconds: int = DAY_SECONDS, rate: float = 100.0
) -> np.ndarray:
    """Poisson arrivals around a shape; the same seed gives the same trace."""
    rng = np.random.default_rng(seed)
    t = np.arange(seconds, dtype=float)
    if pattern == "steady":
        shape = np.full(seconds, rate)
    elif pattern == "step":
        shape = np.where(t < seconds / 2, rate / 4, rate)
    elif pattern == "spike":
        # a quiet base (a fifth of the rate) with a two-minute spike to 5x the rate every
        # three hours, the first at 1 h
        shape = np.full(seconds, rate / 5)
        shape[((t - 3600) % 10800 < 120) & (t >= 3600)] = rate * 5
    elif pattern == "diurnal":
        shape = rate * (0.55 - 0.45 * np.cos(2 * np.pi * t / DAY_SECONDS))
    elif pattern == "bursty":
        # on/off bursts: each minute is busy (3x) with probability 0.2
        busy = rng.random(seconds // 60 + 1) < 0.2
        shape = np.where(busy[(t // 60).astype(int)], rate * 3, rate / 3)
    elif pattern == "idle-then-burst":
        # 20 idle minutes, then 2 busy minutes, repeated
        shape = np.where(t % 1320 >= 1200, rate * 2, 0.0)
    else:
        raise InputError([Problem(f"unknown pattern {pattern!r} (known: {', '.join(PATTERNS)})")])
    return rng.poisson(shape).astype(float)
