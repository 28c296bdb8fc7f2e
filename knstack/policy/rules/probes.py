"""Probes: serving containers say when they are ready, and when they are stuck."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from knstack.policy.model import ADVISORY, MANDATORY, Manifest, RuleContext, Violation
from knstack.policy.objects import WORKLOADS, container_name, pod_spec, serving_containers
from knstack.policy.registry import rule

# Handlers that ask the application; tcpSocket only proves that the port is open.
APPLICATION_HANDLERS = ("httpGet", "grpc", "exec")


def _handler(probe: Mapping[str, Any] | None) -> str | None:
    for handler in (*APPLICATION_HANDLERS, "tcpSocket"):
        if probe and probe.get(handler) is not None:
            return handler
    return None


@rule(
    id="probes-readiness",
    title="Serving containers have a readiness probe that asks the application",
    severity=MANDATORY,
    kinds=WORKLOADS,
    fix="Add readinessProbe with httpGet (a health endpoint such as /healthz) or grpc.",
    rationale="Requests reach a pod once it is ready. Without a probe Knative (and knstack) "
    "fall back to a TCP check, which passes as soon as the port opens, before the "
    "application can serve: the first requests of every new pod fail.",
)
def probes_readiness(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    found = pod_spec(obj)
    if found is None:
        return
    spec, base = found
    for container, path in serving_containers(spec, base):
        handler = _handler(container.get("readinessProbe"))
        name = container_name(container, path)
        if handler is None:
            yield Violation(
                obj,
                f"{path}.readinessProbe",
                f"container {name!r} has no readiness probe (only a TCP check of its port)",
            )
        elif handler == "tcpSocket":
            yield Violation(
                obj,
                f"{path}.readinessProbe",
                f"container {name!r}: the readiness probe only checks that the port is open",
            )


@rule(
    id="probes-liveness",
    title="Serving containers have a liveness probe",
    severity=ADVISORY,
    kinds=WORKLOADS,
    fix="Add livenessProbe (httpGet or grpc) that fails only when the process is stuck, "
    "not when it is busy.",
    rationale="A deadlocked process keeps its port open; only a liveness probe restarts it.",
)
def probes_liveness(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    found = pod_spec(obj)
    if found is None:
        return
    spec, base = found
    for container, path in serving_containers(spec, base):
        if _handler(container.get("livenessProbe")) is None:
            yield Violation(
                obj,
                f"{path}.livenessProbe",
                f"container {container_name(container, path)!r} has no liveness probe",
            )
