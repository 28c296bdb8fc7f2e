"""Synthetic projects for benchmarks and load tests: N services, three revisions each.

Each service `svc-NNNNN` has three ledger revisions (images 1.0.0, 1.1.0, 1.2.0) and a
route split 10/20/70 with the two newest revisions tagged, so every revision gets a
Deployment, a Service and routing. Generation is deterministic.
"""

from __future__ import annotations

from pathlib import Path

from knstack.api.serving import RevisionTemplateSpec
from knstack.ledger import RevisionLedger, ledger_path, record_template, save_ledger
from knstack.yamlio import dump_yaml_stream

NAMESPACE = "bench"
ENVIRONMENT = "bench"
VERSIONS = ("1.0.0", "1.1.0", "1.2.0")


def _template(index: int, version: str) -> dict:
    return {
        "metadata": {
            "annotations": {
                "autoscaling.knative.dev/min-scale": "1",
                "autoscaling.knative.dev/max-scale": "5",
            }
        },
        "spec": {
            "containerConcurrency": 50,
            "containers": [
                {
                    "image": f"registry.example.com/bench/svc-{index:05d}:{version}",
                    "env": [{"name": "VERSION", "value": version}],
                    "resources": {
                        "requests": {"cpu": "50m", "memory": "64Mi"},
                        "limits": {"cpu": "250m", "memory": "128Mi"},
                    },
                    "readinessProbe": {"httpGet": {"path": "/healthz"}},
                }
            ],
        },
    }


def service_document(index: int) -> dict:
    name = f"svc-{index:05d}"
    return {
        "apiVersion": "serving.knative.dev/v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {
            "template": _template(index, VERSIONS[-1]),
            "traffic": [
                {"revisionName": f"{name}-00001", "percent": 10},
                {"revisionName": f"{name}-00002", "percent": 20, "tag": "previous"},
                {"latestRevision": True, "percent": 70, "tag": "latest"},
            ],
        },
    }


def write_synthetic_project(root: Path, count: int) -> Path:
    """Create a project with `count` services in `root`; returns `root`."""
    (root / "components").mkdir(parents=True, exist_ok=True)
    (root / "stacks").mkdir(exist_ok=True)
    (root / "Pulumi.yaml").write_text(
        "name: bench\nruntime: python\nstackConfigDir: stacks\n", encoding="utf-8"
    )
    (root / "stacks" / f"Pulumi.{ENVIRONMENT}.yaml").write_text(
        "config:\n"
        f"  knstack:namespace: {NAMESPACE}\n"
        "  knstack:domain: bench.example.com\n"
        "  knstack:clusters:\n    - name: bench-1\n",
        encoding="utf-8",
    )
    ledger = RevisionLedger(environment=ENVIRONMENT)
    for index in range(count):
        name = f"svc-{index:05d}"
        for version in VERSIONS:
            template = RevisionTemplateSpec.model_validate(_template(index, version))
            ledger = record_template(ledger, f"{NAMESPACE}/{name}", name, template).ledger
    save_ledger(ledger_path(root / "stacks", ENVIRONMENT), ledger)
    (root / "components" / "services.yaml").write_text(
        dump_yaml_stream(service_document(i) for i in range(count)), encoding="utf-8"
    )
    return root
