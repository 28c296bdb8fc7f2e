"""Writes docs/simulate.md and its plots: the articles' claims, replayed with knstack simulate.

    .venv/bin/python scripts/simulate_docs.py [OUT_DIR]   (default: docs/)

tests/simulate/test_docs.py runs it and checks that the committed page is what it writes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

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
SLO = Slo("p99", 0.5)


def _section(
    out: Path, name: str, pattern: str, seed: int, seconds: int, rate: float, compare: list[str]
) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shop.yaml"
        path.write_text(SERVICE)
        build = build_files([path], backend="knative")
    target = select_target(build, "shop", None)
    trace = synthetic(pattern, seed, seconds, rate)
    runs, summaries = run_all(target, build, trace, compare, Options(slo=SLO))
    write_plots(runs, f"{name}: {pattern} traffic, seed {seed}", out / "simulate" / name)
    return (
        f"`knstack simulate -f shop.yaml --service shop --pattern {pattern} --seed {seed} "
        f"--duration {seconds}s --rate {rate:g} --compare {','.join(compare)}`\n\n"
        f"{table_markdown(summaries)}\n{verdict(summaries, SLO)}\n\n"
        f"![{name}](simulate/{name}.svg)\n"
    )


def render(out: Path) -> str:
    reaction = _section(out, "reaction", "bursty", 7, 3 * 3600, 30.0, ["hpa"])
    zero = _section(
        out, "scale-to-zero", "idle-then-burst", 3, 3 * 3600, 3.0, ["reserved", "fixed:1"]
    )
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
knative.dev/serving's `pkg/autoscaler/scaling` (tools/kpa-decider); the HPA, KEDA HTTP
add-on and reserved-pod models follow the upstream algorithms named in their modules.
Requests are modelled per second (added latency has one-second resolution: `0s` means
under a second); CPU for the HPA is derived from load (a pod at its concurrency limit
uses all the CPU it requests).

## KPA reacts in seconds, the HPA in minutes

Bursty traffic (each minute busy at three times the rate with probability 0.2). The KPA
sees a burst within one 2 s tick through its 6 s panic window and holds the pods for a
stable window; the HPA syncs every 15 s on a 15 s CPU average, and is limited to doubling
(or +4 pods) per period.

{reaction}
## Scale to zero or a reserved instance

Twenty idle minutes, then two busy minutes, repeated. Scaling to zero saves the idle
pod-seconds but every burst starts cold: its first requests wait the 30 s start-up. A
reserved instance (one small pod, 25m CPU and 64Mi, serving at its smaller capacity)
takes those first requests at once while the KPA scales the normal pods from zero.

{zero}"""


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "docs"
    atomic_write_text(out / "simulate.md", render(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
