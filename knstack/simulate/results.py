"""Per-configuration results, the side-by-side table (text, JSON, Markdown) and the verdict.

P50/P95/P99 are the latency autoscaling adds (the wait for a pod); P99 TOTAL adds each
request's own service time (`service_time`). The SLO judges the added latency."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import numpy as np

from knstack.simulate.engine import Run
from knstack.simulate.service_time import ServiceTime, total_percentile

PERCENTILES = {"p50": 50.0, "p95": 95.0, "p99": 99.0}


@dataclass(frozen=True)
class Slo:
    percentile: str  # p50, p95 or p99
    seconds: float

    def __str__(self) -> str:
        return f"{self.percentile}={self.seconds * 1000:g}ms"


@dataclass(frozen=True)
class Summary:
    configuration: str
    requests: float
    cold_starts: float
    added_latency_p50_s: float
    added_latency_p95_s: float
    added_latency_p99_s: float
    total_latency_p99_s: float  # wait plus the request's own service time
    over_budget: float
    peak_pods: int
    mean_pods: float
    pod_seconds: float
    cost: float
    panic_seconds: int
    meets_slo: bool

    def latency(self, percentile: str) -> float:
        return float(getattr(self, f"added_latency_{percentile}_s"))


def summarize(run: Run, slo: Slo, service: ServiceTime) -> Summary:
    t = run.timeline
    reserved = 1 if run.reserved is not None else 0
    q = run.queue
    latency = {name: q.percentile(p) for name, p in PERCENTILES.items()}
    return Summary(
        configuration=run.label,
        requests=round(float(t.arrivals.sum()), 3),
        cold_starts=round(q.cold_starts, 3),
        added_latency_p50_s=latency["p50"],
        added_latency_p95_s=latency["p95"],
        added_latency_p99_s=latency["p99"],
        total_latency_p99_s=total_percentile(q.waits, service, 99.0),
        over_budget=round(q.over(slo.seconds), 3),
        peak_pods=int(t.billed.max(initial=0)) + reserved,
        mean_pods=round(float(t.billed.mean()) + reserved, 3) if len(t.billed) else 0.0,
        pod_seconds=float(t.billed.sum()) + reserved * len(t.billed),
        cost=round(float(t.cost[-1]) if len(t.cost) else 0.0, 6),
        panic_seconds=int(np.count_nonzero(t.panic)),
        meets_slo=latency[slo.percentile] <= slo.seconds and q.backlog_empty(),
    )


def verdict(summaries: list[Summary], slo: Slo) -> str:
    meeting = [s for s in summaries if s.meets_slo]
    if not meeting:
        return f"verdict: no configuration meets {slo}"
    best = min(meeting, key=lambda s: (s.cost, s.configuration))
    return f"verdict: {best.configuration} is the cheapest configuration that meets {slo} (cost {best.cost:.4f})"


COLUMNS = (
    ("CONFIGURATION", "configuration", "{}"),
    ("COLD STARTS", "cold_starts", "{:.0f}"),
    ("P50", "added_latency_p50_s", "{:g}s"),
    ("P95", "added_latency_p95_s", "{:g}s"),
    ("P99", "added_latency_p99_s", "{:g}s"),
    ("P99 TOTAL", "total_latency_p99_s", "{:g}s"),
    ("OVER BUDGET", "over_budget", "{:.0f}"),
    ("PEAK PODS", "peak_pods", "{}"),
    ("MEAN PODS", "mean_pods", "{:.2f}"),
    ("POD-SECONDS", "pod_seconds", "{:.0f}"),
    ("COST", "cost", "{:.4f}"),
    ("PANIC", "panic_seconds", "{}s"),
    ("SLO", "meets_slo", "{}"),
)


def _cells(summary: Summary) -> list[str]:
    out = []
    for _, key, fmt in COLUMNS:
        value = getattr(summary, key)
        out.append(("yes" if value else "no") if isinstance(value, bool) else fmt.format(value))
    return out


def table_text(summaries: list[Summary]) -> str:
    rows = [[title for title, _, _ in COLUMNS], *(_cells(s) for s in summaries)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    return "".join(
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() + "\n"
        for row in rows
    )


def table_markdown(summaries: list[Summary]) -> str:
    head = "| " + " | ".join(title.capitalize() for title, _, _ in COLUMNS) + " |\n"
    rule = "|" + "---|" * len(COLUMNS) + "\n"
    body = "".join("| " + " | ".join(_cells(s)) + " |\n" for s in summaries)
    return head + rule + body


def table_json(summaries: list[Summary], slo: Slo, line: str) -> str:
    doc = {"slo": str(slo), "configurations": [asdict(s) for s in summaries], "verdict": line}
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"
