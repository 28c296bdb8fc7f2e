"""Resources: every container says what CPU and memory it needs and may use."""

from __future__ import annotations

from collections.abc import Iterator

from knstack.policy.model import MANDATORY, Manifest, RuleContext, Violation
from knstack.policy.objects import WORKLOADS, container_name, containers, dig, pod_spec
from knstack.policy.registry import rule

REQUIRED = (("requests", "cpu"), ("requests", "memory"), ("limits", "cpu"), ("limits", "memory"))


@rule(
    id="resources-requests-limits",
    title="Every container sets CPU and memory requests and limits",
    severity=MANDATORY,
    kinds=WORKLOADS,
    fix="Set resources.requests and resources.limits (cpu and memory) on the container, or "
    "environment defaults (knstack:defaults resources) that knstack applies to containers "
    "without them.",
    rationale="Without requests the scheduler packs pods blindly and the autoscaler's CPU "
    "utilisation has no base; without limits one pod can starve its node.",
)
def resources_requests_limits(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    found = pod_spec(obj)
    if found is None:
        return
    spec, base = found
    for container, path in containers(spec, base):
        resources = container.get("resources") or {}
        missing = [
            f"{kind}.{res}" for kind, res in REQUIRED if dig(resources, kind, res) in (None, "")
        ]
        if missing:
            yield Violation(
                obj,
                f"{path}.resources",
                f"container {container_name(container, path)!r} sets no {', '.join(missing)}",
            )
