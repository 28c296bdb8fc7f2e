"""Writes docs/simulate.md and its plots: the articles' claims, replayed with knstack simulate.

    .venv/bin/python scripts/simulate_docs.py [OUT_DIR]   (default: docs/)

tests/simulate/test_docs.py runs it and checks that the committed page is what it writes.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path

import numpy as np

from knstack.build import build_files
from knstack.fsutil import atomic_write_text
from knstack.simulate.plots import write_plots
from knstack.simulate.results import Slo, table_markdown, verdict
from knstack.simulate.run import Options, run_all, select_target
from knstack.simulate.traces import synthetic

SERVICE = """apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: shop
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/max-scale: "20"
    spec:
      containerConcurrency: 10
      containers:
      - image: registry.example.com/shop:1.0.0
        resources:
          requests: {cpu: 500m, memory: 512Mi}
"""
SCHEDULED = """apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: shop
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/class: hpa.autoscaling.knative.dev
        autoscaling.knative.dev/metric: cpu
        autoscaling.knative.dev/target: "80"
        autoscaling.knative.dev/max-scale: "30"
        knstack.dev/schedule: '[{"start": "45 7 * * 1-5", "end": "0 10 * * 1-5", "replicas": 15}]'
        knstack.dev/schedule-timezone: Europe/Berlin
    spec:
      containerConcurrency: 10
      containers:
      - image: registry.example.com/shop:1.0.0
        resources:
          requests: {cpu: 500m, memory: 512Mi}
"""
SLO = Slo("p99", 0.5)


def morning_rush() -> np.ndarray:
    """A weekday morning: 50 requests/s, 600 from 08:00 to 09:30, from 06:00 to 11:00."""
    trace = np.full(5 * 3600, 50.0)
    trace[2 * 3600 : int(3.5 * 3600)] = 600.0
    return trace


def _simulate(
    out: Path, name: str, service: str, trace: np.ndarray, compare: list[str], options: Options
) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shop.yaml"
        path.write_text(service)
        build = build_files([path], backend="knative")
    target = select_target(build, "shop", None)
    runs, summaries = run_all(target, build, trace, compare, options)
    write_plots(runs, name, out / "simulate" / name)
    return (
        f"{table_markdown(summaries)}\n{verdict(summaries, SLO)}\n\n"
        f"![{name}](simulate/{name}.svg)\n"
    )


def _section(
    out: Path, name: str, pattern: str, seed: int, seconds: int, rate: float, compare: list[str]
) -> str:
    trace = synthetic(pattern, seed, seconds, rate)
    body = _simulate(out, name, SERVICE, trace, compare, Options(slo=SLO))
    return (
        f"`knstack simulate -f shop.yaml --service shop --pattern {pattern} --seed {seed} "
        f"--duration {seconds}s --rate {rate:g} --compare {','.join(compare)}`\n\n{body}"
    )


def _scheduled_section(out: Path) -> str:
    options = Options(slo=SLO, start=datetime(2026, 1, 5, 6, 0))
    body = _simulate(out, "schedule", SCHEDULED, morning_rush(), ["schedule+hpa"], options)
    return (
        "`knstack simulate -f shop.yaml --service shop --trace rush.csv --start "
        "2026-01-05T06:00 --compare schedule+hpa`\n\n" + body
    )


def render(out: Path) -> str:
    reaction = _section(out, "reaction", "bursty", 7, 3 * 3600, 30.0, ["hpa"])
    zero = _section(
        out, "scale-to-zero", "idle-then-burst", 3, 3 * 3600, 3.0, ["reserved", "fixed:1"]
    )
    scheduled = _scheduled_section(out)
    return f"""# knstack simulate: the articles' claims on your own traffic

`knstack simulate` replays a trace (a CSV of requests per second or minute, the Azure
Functions 2019 layout, or a seeded synthetic pattern) through a revision's autoscaler as
knstack renders it and through the others named with `--compare`, and reports cold
starts, added latency, pods, cost and time in panic mode, with plots. This page is
written by `scripts/simulate_docs.py` (a test checks it is current). The Service has
`containerConcurrency: 10`, requests of 500m CPU and 512Mi, a 200 ms service time and a
30 s pod start-up (the articles' cold start); prices are per requested core- and
GiB-second.

How faithful: the KPA decider is Knative's own algorithm, checked tick for tick against
knative.dev/serving's `pkg/autoscaler/scaling` (tools/kpa-decider); the HPA controller
(also under KEDA's schedule and HTTP add-on models) is checked sync for sync against
k8s.io/kubernetes' `pkg/controller/podautoscaler` (tools/hpa-controller); the reserved
pod and KEDA's activation follow the upstream code named in their modules. Requests are
modelled per second (added latency has one-second resolution: `0s` means under a
second); CPU for the HPA is derived from load: a pod uses its CPU request in proportion
to the busy share of its concurrency, never more than the request.

## KPA reacts in seconds, the HPA in minutes

Bursty traffic (each minute busy at three times the rate with probability 0.2). The KPA
sees a burst within one 2 s tick through its 6 s panic window and holds the pods for a
stable window; the HPA syncs every 15 s on a 15 s CPU average. Saturated pods show at most
100% of their request, so one sync asks for at most 100/80 = 1.25 times the ready pods at
the default 80% target (and, without a behavior, at most double or +4 pods).

{reaction}
## Scale to zero or a reserved instance

Twenty idle minutes, then two busy minutes, repeated. Scaling to zero saves the idle
pod-seconds but every burst starts cold: its first requests wait the 30 s start-up. A
reserved instance (one small pod, 25m CPU and 64Mi, serving at its smaller capacity)
takes those first requests at once while the KPA scales the normal pods from zero.

{zero}
## A schedule ahead of a known peak

A weekday morning rush, 600 requests/s from 08:00 to 09:30 against 50 the rest of the
morning, for an HPA-class revision with a `knstack.dev/schedule` window of 15 pods from
07:45 (Europe/Berlin) to 10:00. The HPA alone sees the rush only when its pods are
already saturated: saturated pods report 100% of their CPU request, so each 15 s sync
asks for at most 1.25 times the ready pods, and each new pod needs 30 s to start. The
schedule (KEDA's cron trigger beside the CPU trigger, in one HPA that follows the
higher proposal) has the pods ready before the rush and keeps them until 10:00, then
the HPA's 5-minute downscale stabilisation lets them go.

{scheduled}"""


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "docs"
    atomic_write_text(out / "simulate.md", render(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
