"""Scaling: bounded, warm where latency matters, sane concurrency, one owner of replicas.

The first three judge Knative revisions (their autoscaling annotations and
containerConcurrency), which the kubernetes backend does not keep in its manifests.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from knstack.api.knstack_annotations import RESERVED_INSTANCE, reserved_instance
from knstack.policy.model import MANDATORY, Manifest, RuleContext, Violation
from knstack.policy.objects import (
    CLASS_KEY,
    DEPLOYMENT,
    HPA,
    HPA_CLASS,
    KNATIVE_TEMPLATED,
    MAX_SCALE_KEYS,
    MIN_SCALE_KEYS,
    annotation_path,
    dig,
    first_annotation,
    knative_service_name,
    number,
    revision_template,
    show,
)
from knstack.policy.registry import rule
from knstack.vocabulary import kind_key, name_of, namespace_of, ref


def _scale(annotations: dict[str, str], keys: Sequence[str]) -> tuple[str, float | None]:
    """(annotation key to point at, its numeric value or None when unset or not a number)."""
    found = first_annotation(annotations, keys)
    if found is None:
        return keys[0], None
    key, raw = found
    try:
        return key, float(raw)
    except ValueError:
        return key, None


@rule(
    id="max-scale-set",
    title="Every revision sets max-scale",
    severity=MANDATORY,
    kinds=KNATIVE_TEMPLATED,
    scope="knative",
    fix='Set spec.template.metadata.annotations["autoscaling.knative.dev/max-scale"] to the most '
    "pods the service may use.",
    rationale="Unbounded scaling turns a traffic spike or a retry storm into an unbounded bill "
    "and can starve every other workload of the cluster.",
)
def max_scale_set(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    template = revision_template(obj)
    if template is None:
        return
    annotations, _, prefix = template
    key, value = _scale(dict(annotations), MAX_SCALE_KEYS)
    if not value:
        state = "is not set" if value is None else "is 0 (unlimited)"
        yield Violation(obj, annotation_path(prefix + "metadata.", key), f"max-scale {state}")


@rule(
    id="min-scale-latency-sensitive",
    title="Latency-sensitive services keep at least one pod warm",
    severity=MANDATORY,
    kinds=KNATIVE_TEMPLATED,
    scope="knative",
    settings=("latency_sensitive", "reserved_instances"),
    fix='Set autoscaling.knative.dev/min-scale: "1" (or more) on the template, or '
    f'{RESERVED_INSTANCE}: "true" to keep one low-spec pod instead.',
    rationale="A revision that scales to zero answers its next request only after a cold "
    "start (seconds); services the environment lists in latencySensitive cannot afford that.",
)
def min_scale_latency_sensitive(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    template = revision_template(obj)
    if template is None:
        return
    annotations, _, prefix = template
    service = knative_service_name(obj)
    if not ctx.settings.is_latency_sensitive(namespace_of(obj), service):
        return
    if annotations.get(CLASS_KEY) == HPA_CLASS:
        return  # the HPA class never scales to zero
    # A reserved instance arrives as min-scale (knstack.expand.knative.template); without
    # any, the environment's config-autoscaler min-scale applies.
    if ctx.reserved_instances and reserved_instance(dict(annotations)) is None:
        return
    key, value = _scale(dict(annotations), MIN_SCALE_KEYS)
    if not value or value < 1:
        yield Violation(
            obj,
            annotation_path(prefix + "metadata.", key),
            f"service {service!r} is latency-sensitive here but may scale to zero "
            f"(min-scale {'unset' if value is None else show(value)})",
        )


@rule(
    id="container-concurrency-bounds",
    title="containerConcurrency is within the environment's bounds",
    severity=MANDATORY,
    kinds=KNATIVE_TEMPLATED,
    scope="knative",
    settings=("container_concurrency",),
    fix="Set spec.template.spec.containerConcurrency between the environment's min and max "
    "(knstack:policy containerConcurrency); 0 means unlimited.",
    rationale="Concurrency drives Knative's autoscaler: too low wastes pods, unlimited (0) lets "
    "one pod take more requests than it can serve before scaling starts.",
)
def container_concurrency_bounds(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    bounds = ctx.settings.container_concurrency
    template = revision_template(obj)
    if template is None or (bounds.min is None and bounds.max is None):
        return
    _, spec, prefix = template
    value = number(spec.get("containerConcurrency")) or 0.0
    where = f"{prefix}spec.containerConcurrency"
    if bounds.max is not None and (value == 0 or value > bounds.max):
        shown = "0 (unlimited)" if value == 0 else show(value)
        yield Violation(
            obj,
            where,
            f"containerConcurrency {shown} is above this environment's max of {bounds.max}",
        )
    elif bounds.min is not None and 0 < value < bounds.min:
        yield Violation(
            obj,
            where,
            f"containerConcurrency {show(value)} is below this environment's min of {bounds.min}",
        )


def _hpa_targets(objects: Sequence[Manifest]) -> dict[tuple[str, str], Manifest]:
    """(namespace, deployment name) -> the HPA that scales it."""
    out: dict[tuple[str, str], Manifest] = {}
    for hpa in objects:
        if kind_key(hpa) != HPA:
            continue
        target = dig(hpa, "spec", "scaleTargetRef") or {}
        if target.get("kind") == "Deployment":
            out.setdefault((namespace_of(hpa), str(target.get("name"))), hpa)
    return out


@rule(
    id="hpa-owns-replicas",
    title="A Deployment scaled by an HPA does not also fix its replicas",
    severity=MANDATORY,
    kinds={DEPLOYMENT},
    stack=True,
    fix="Remove spec.replicas from the Deployment; the HPA's minReplicas sets the floor.",
    rationale="Every apply resets spec.replicas, undoing the HPA: a deploy during a spike "
    "scales the service down "
    "(kube-score deployment-targeted-by-hpa-does-not-have-replicas-configured).",
)
def hpa_owns_replicas(objects: Sequence[Manifest], ctx: RuleContext) -> Iterator[Violation]:
    targets = _hpa_targets(objects)
    for obj in objects:
        if kind_key(obj) != DEPLOYMENT or dig(obj, "spec", "replicas") is None:
            continue
        hpa = targets.get((namespace_of(obj), name_of(obj)))
        if hpa is not None:
            yield Violation(
                obj, "spec.replicas", f"is set although {ref(hpa)} scales this Deployment"
            )


@rule(
    id="hpa-target-exists",
    title="Every HPA scales a Deployment of the same environment",
    severity=MANDATORY,
    kinds={HPA},
    stack=True,
    fix="Point spec.scaleTargetRef at the revision's Deployment (<revision>-deployment).",
    rationale="An HPA whose target is missing scales nothing, and the service silently runs "
    "at its floor.",
)
def hpa_target_exists(objects: Sequence[Manifest], ctx: RuleContext) -> Iterator[Violation]:
    deployments = {(namespace_of(o), name_of(o)) for o in objects if kind_key(o) == DEPLOYMENT}
    for hpa in objects:
        if kind_key(hpa) != HPA:
            continue
        target = dig(hpa, "spec", "scaleTargetRef") or {}
        if (
            target.get("kind") == "Deployment"
            and (namespace_of(hpa), str(target.get("name"))) not in deployments
        ):
            yield Violation(
                hpa,
                "spec.scaleTargetRef.name",
                f"scales Deployment {target.get('name')!r}, which is not in this environment",
            )
