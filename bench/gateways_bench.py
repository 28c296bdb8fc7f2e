"""Expansion CPU time per gateway and autoscaler on a synthetic project; prints figures.

    .venv/bin/python bench/gateways_bench.py [services]

Each service has three revisions; the Gateway API and Istio runs split 50/30/20 with two
tags, the Ingress runs (which carry one canary) 70/30 with two tags. Runs with and
without the KEDA HTTP add-on (which routes every revision through the interceptor).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from knstack.api.loader import load_files
from knstack.expand import expand
from knstack.ledger import RevisionLedger
from knstack.resolve import resolve
from knstack.stack.settings import StackSettings, effective_cluster_settings

THREE_WAY = """  traffic:
    - revisionName: {name}-00001
      percent: 50
    - revisionName: {name}-00002
      percent: 30
      tag: blue
    - latestRevision: true
      percent: 20
      tag: green
"""
TWO_WAY = """  traffic:
    - revisionName: {name}-00001
      percent: 70
      tag: blue
    - revisionName: {name}-00002
      percent: 0
    - latestRevision: true
      percent: 30
      tag: green
"""


def project(services: int, traffic: str) -> str:
    docs = []
    for i in range(services):
        name = f"svc{i:04d}"
        for version in range(3):
            doc = (
                f"apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: {name}\n"
                f"  namespace: bench\nspec:\n  template:\n    spec:\n      containers:\n"
                f"        - image: registry.example.com/bench/{name}:{version}\n"
            )
            if version == 2:
                doc += traffic.format(name=name)
            docs.append(doc)
    return "---\n".join(docs)


def main() -> None:
    services = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    with tempfile.TemporaryDirectory() as tmp:
        for label, traffic, kinds in (
            ("3-way split", THREE_WAY, ("gateway-api", "istio")),
            ("2-way split", TWO_WAY, ("nginx", "alb")),
        ):
            path = Path(tmp) / f"{label[0]}.yaml"
            path.write_text(project(services, traffic), encoding="utf-8")
            objects = load_files([path], default_namespace="bench")
            plan = resolve(
                objects, RevisionLedger(environment="bench"), default_namespace="bench"
            ).plan
            for kind in kinds:
                for add_on in (False, True):
                    if add_on and kind == "alb":
                        continue  # the ALB refuses request-scaled revisions
                    stack = StackSettings.model_validate(
                        {"gateway": {"kind": kind}, "kedaHttpAddOn": {"enabled": add_on}}
                    )
                    if add_on and kind == "nginx":
                        # two request-scaled revisions share a host: NGINX refuses; use HPA-less
                        # single-interceptor layouts only (not this synthetic split).
                        continue
                    settings = effective_cluster_settings("bench", stack, stack.clusters[0])
                    best = float("inf")
                    for _ in range(3):
                        start = time.process_time()
                        out = expand(plan, settings)
                        best = min(best, time.process_time() - start)
                    print(
                        f"{label:12} {kind:12} add-on={'on ' if add_on else 'off'} "
                        f"{services} services, {len(out.manifests):6d} objects: "
                        f"{best * 1000:8.1f} ms ({best * 1e6 / services:6.0f} us/service)"
                    )


if __name__ == "__main__":
    main()
