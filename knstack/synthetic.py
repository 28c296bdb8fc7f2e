"""Synthetic projects for benchmarks and load tests: N services.

Shape "three" (the default): each service `svc-NNNNN` has three ledger revisions (images
1.0.0, 1.1.0, 1.2.0) and a route split 10/20/70 with the two newest revisions tagged, so
every revision gets a Deployment, a Service and routing. Shape "canary" (the peers
benchmark): two revisions under the HPA class, a 90/10 split with the candidate tagged.
Generation is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from knstack.api.serving import RevisionTemplateSpec
from knstack.ledger import LedgerEntry, RevisionLedger, ledger_path, save_ledger
from knstack.ledger.record import next_entry
from knstack.yamlio import dump_yaml_stream

NAMESPACE = "bench"
ENVIRONMENT = "bench"
VERSIONS = ("1.0.0", "1.1.0", "1.2.0")
Shape = Literal["three", "canary"]
_HPA_CLASS = {
    "autoscaling.knative.dev/class": "hpa.autoscaling.knative.dev",
    "autoscaling.knative.dev/metric": "cpu",
    "autoscaling.knative.dev/target": "70",
}


def _template(index: int, version: str, shape: Shape = "three") -> dict[str, Any]:
    annotations = {
        "autoscaling.knative.dev/min-scale": "1",
        "autoscaling.knative.dev/max-scale": "5",
    }
    if shape == "canary":
        annotations = {**_HPA_CLASS, **annotations}
    return {
        "metadata": {"annotations": annotations},
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


def _traffic(name: str, shape: Shape) -> list[dict[str, Any]]:
    if shape == "canary":
        return [
            {"revisionName": f"{name}-00001", "percent": 90},
            {"latestRevision": True, "percent": 10, "tag": "candidate"},
        ]
    return [
        {"revisionName": f"{name}-00001", "percent": 10},
        {"revisionName": f"{name}-00002", "percent": 20, "tag": "previous"},
        {"latestRevision": True, "percent": 70, "tag": "latest"},
    ]


def _versions(shape: Shape) -> tuple[str, ...]:
    return VERSIONS[:2] if shape == "canary" else VERSIONS


def service_document(index: int, shape: Shape = "three") -> dict[str, Any]:
    name = f"svc-{index:05d}"
    return {
        "apiVersion": "serving.knative.dev/v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {
            "template": _template(index, _versions(shape)[-1], shape),
            "traffic": _traffic(name, shape),
        },
    }


def write_synthetic_project(root: Path, count: int, shape: Shape = "three") -> Path:
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
    # One mapping for the whole ledger (next_entry), not a ledger copy per template.
    configurations: dict[str, list[LedgerEntry]] = {}
    for index in range(count):
        name = f"svc-{index:05d}"
        entries = configurations.setdefault(f"{NAMESPACE}/{name}", [])
        for version in _versions(shape):
            template = RevisionTemplateSpec.model_validate(_template(index, version, shape))
            entry, appended = next_entry(entries, name, template)
            if appended:
                entries.append(entry)
    ledger = RevisionLedger(environment=ENVIRONMENT, configurations=configurations)
    save_ledger(ledger_path(root / "stacks", ENVIRONMENT), ledger)
    (root / "components" / "services.yaml").write_text(
        dump_yaml_stream(service_document(i, shape) for i in range(count)), encoding="utf-8"
    )
    return root


def knative_history_documents(count: int) -> Iterator[dict[str, Any]]:
    """The peers benchmark's input as plain Knative YAML: per service, the first revision's
    Service, then the second's with a 90/10 split (successive documents are history)."""
    for index in range(count):
        first = service_document(index, "canary")
        first["spec"] = {"template": _template(index, VERSIONS[0], "canary")}
        yield first
        yield service_document(index, "canary")
