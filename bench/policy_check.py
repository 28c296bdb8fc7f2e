"""How long `knstack check` takes: the example's prod environment and a generated larger one.

Run: .venv/bin/python bench/policy_check.py [SERVICES]   (prints figures; asserts nothing)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from knstack.build import build_files
from knstack.policy import check_build, check_environment, check_files
from knstack.policy.formats import render_report
from knstack.stack import find_project

ROOT = Path(__file__).resolve().parent.parent
SERVICE = """\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: svc-{i}
  namespace: bench
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/min-scale: "{min_scale}"
        autoscaling.knative.dev/max-scale: "10"
    spec:
      containers:
        - image: registry.example.com/bench/svc-{i}:1.0.{i}
          resources:
            requests: {{cpu: 100m, memory: 64Mi}}
            limits: {{cpu: 500m, memory: 128Mi}}
          readinessProbe: {{httpGet: {{path: /ready}}}}
  traffic:
    - latestRevision: true
      percent: 100
      tag: current
---
"""


def timed(label: str, runs: int, action: Callable[[], object]) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    median, fastest = statistics.median(times) * 1000, min(times) * 1000
    print(f"{label}: median {median:.0f} ms over {runs} runs (min {fastest:.0f} ms)")


def main() -> None:
    services = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    project = find_project(ROOT)
    timed(
        "check --stack prod (2 clusters, 4 revisions)",
        10,
        lambda: check_environment(project, "prod"),
    )
    report = check_environment(project, "prod")
    timed("  ... and render it as SARIF", 10, lambda: render_report(report, "sarif"))
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "bench.yaml"
        source.write_text(
            "".join(SERVICE.format(i=i, min_scale=2 if i % 3 == 0 else 1) for i in range(services))
        )
        build = build_files([source])
        objects = sum(len(c.manifests) for c in build.clusters)
        findings = len(check_build(build).findings)
        print(f"generated: {services} services, {objects} manifests, {findings} findings")
        timed(f"  build only ({services} services)", 3, lambda: build_files([source]))
        timed(
            f"  rules, origins and lines only ({services} services)", 3, lambda: check_build(build)
        )
        timed(f"check -f ({services} services, build included)", 3, lambda: check_files([source]))


if __name__ == "__main__":
    main()
