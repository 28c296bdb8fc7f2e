"""Plots of a simulation with matplotlib: traffic, desired and ready pods with panic
periods shaded, and cumulative cost; one figure, written as PNG and SVG.

Output is byte-for-byte repeatable: the SVG's element ids come from a fixed hash salt and
neither file records a creation date or software version.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from knstack.fsutil import atomic_write_bytes
from knstack.simulate.engine import Run

BUCKET_SECONDS = 60  # long traces are drawn per minute (peaks kept, not averaged away)


def _buckets(values: np.ndarray, how: str) -> np.ndarray:
    if len(values) <= 3600:
        return values.astype(float)
    size = BUCKET_SECONDS
    pad = (-len(values)) % size
    padded = np.pad(values.astype(float), (0, pad), mode="edge")
    shaped = padded.reshape(-1, size)
    reduced: np.ndarray = shaped.max(axis=1) if how == "max" else shaped.mean(axis=1)
    return reduced


def write_plots(runs: list[Run], title: str, stem: Path) -> list[Path]:
    """Write `<stem>.png` and `<stem>.svg`; return their paths."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    matplotlib.rcParams["svg.hashsalt"] = "knstack-simulate"
    seconds = len(runs[0].timeline.arrivals)
    step = 1 if seconds <= 3600 else BUCKET_SECONDS
    hours = np.arange(0, seconds, step)[: len(_buckets(runs[0].timeline.arrivals, "mean"))] / 3600
    fig, axes = plt.subplots(len(runs) + 2, 1, figsize=(11, 2.2 * (len(runs) + 2)), sharex=True)
    traffic = axes[0]
    traffic.plot(hours, _buckets(runs[0].timeline.arrivals, "mean"), lw=0.8, color="black")
    traffic.set_ylabel("requests/s")
    traffic.set_title(title)
    for ax, run in zip(axes[1:-1], runs, strict=True):
        t = run.timeline
        ax.step(hours, _buckets(t.desired, "max"), where="post", lw=0.8, label="desired")
        ax.step(hours, _buckets(t.ready, "max"), where="post", lw=0.8, label="ready")
        panic = _buckets(t.panic, "max") > 0
        if panic.any():
            top = max(1.0, float(_buckets(t.desired, "max").max()))
            ax.fill_between(
                hours, 0, top, where=panic, color="red", alpha=0.15, step="post", label="panic"
            )
        ax.set_ylabel("pods")
        ax.set_title(run.label, fontsize=9, loc="left")
        ax.legend(loc="upper right", fontsize=7)
    cost = axes[-1]
    for run in runs:
        cost.plot(hours, _buckets(run.timeline.cost, "max"), lw=0.9, label=run.label)
    cost.set_ylabel("cumulative cost")
    cost.set_xlabel("hours")
    cost.legend(loc="upper left", fontsize=7)
    fig.tight_layout()
    written = []
    for ext, metadata in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
        buffer = io.BytesIO()
        fig.savefig(buffer, format=ext, metadata=metadata, dpi=90)
        path = stem.with_suffix(f".{ext}")
        atomic_write_bytes(path, buffer.getvalue())
        written.append(path)
    plt.close(fig)
    return written
