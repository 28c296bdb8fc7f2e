"""Canary: a release step may not move more traffic at once than the environment allows.

Input: `RuleContext.canary_steps`, one `CanaryStep(service="<namespace>/<name>",
previous=<candidate percent before>, next=<candidate percent after>)` per service the
step changes. The release state (stable revision, candidate revision, stage) produces
them; a rollback (next below previous) is always allowed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from knstack.policy.model import MANDATORY, CanaryStep, Manifest, RuleContext, Violation
from knstack.policy.objects import KNATIVE_SERVICE, knative_service_name
from knstack.policy.registry import rule
from knstack.vocabulary import SERVING_GROUP, annotations_of, namespace_of


def service_subject(step: CanaryStep, objects: Sequence[Manifest]) -> Manifest:
    """The Knative Service a step moves, carrying the waivers of its objects."""
    namespace, _, name = step.service.partition("/")
    annotations: dict[str, str] = {}
    for obj in objects:
        if namespace_of(obj) == namespace and knative_service_name(obj) == name:
            annotations.update(annotations_of(obj))
    return {
        "apiVersion": f"{SERVING_GROUP}/v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace, "annotations": annotations},
    }


@rule(
    id="canary-max-step",
    title="A canary step moves at most the environment's maximum share of traffic",
    severity=MANDATORY,
    kinds={KNATIVE_SERVICE},
    scope="release",
    stack=True,
    settings=("max_canary_step", "canary_steps"),
    fix="Add an intermediate stage to the canary plan, or raise knstack:policy maxCanaryStep "
    "for this environment.",
    rationale="Each stage exposes more users to the candidate; a large jump skips the "
    "observation that the stages exist for.",
)
def canary_max_step(objects: Sequence[Manifest], ctx: RuleContext) -> Iterator[Violation]:
    limit = ctx.settings.max_canary_step
    if limit is None:
        return
    for step in ctx.canary_steps:
        jump = step.next - step.previous
        if jump > limit:
            yield Violation(
                service_subject(step, objects),
                "spec.traffic",
                f"the candidate goes from {step.previous}% to {step.next}% of traffic, a step of "
                f"{jump} points; this environment allows at most {limit}",
            )
