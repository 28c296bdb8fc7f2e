"""Hygiene: current API versions, unambiguous env, Services that reach pods."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from knstack.policy.model import ADVISORY, ANY_KIND, MANDATORY, Manifest, RuleContext, Violation
from knstack.policy.objects import (
    SERVICE,
    WORKLOADS,
    container_name,
    containers,
    dig,
    pod_labels,
    pod_spec,
)
from knstack.policy.registry import rule
from knstack.vocabulary import kind_key, namespace_of

# apiVersion -> what replaces it (removed or deprecated in Kubernetes and Knative).
DEPRECATED_API_VERSIONS = {
    "extensions/v1beta1": "apps/v1 or networking.k8s.io/v1",
    "apps/v1beta1": "apps/v1",
    "apps/v1beta2": "apps/v1",
    "policy/v1beta1": "policy/v1",
    "autoscaling/v2beta1": "autoscaling/v2",
    "autoscaling/v2beta2": "autoscaling/v2",
    "networking.k8s.io/v1beta1": "networking.k8s.io/v1",
    "batch/v1beta1": "batch/v1",
    "serving.knative.dev/v1alpha1": "serving.knative.dev/v1",
    "serving.knative.dev/v1beta1": "serving.knative.dev/v1",
    "gateway.networking.k8s.io/v1alpha2": "gateway.networking.k8s.io/v1",
    "gateway.networking.k8s.io/v1beta1": "gateway.networking.k8s.io/v1",
}


@rule(
    id="api-deprecated",
    title="Objects use current API versions",
    severity=MANDATORY,
    kinds={ANY_KIND},
    fix="Move the object to the API version named in the finding.",
    rationale="Removed API versions are rejected by current clusters; deprecated ones will be "
    "(kube-linter no-extensions-v1beta).",
)
def api_deprecated(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    version = str(obj.get("apiVersion") or "")
    if version in DEPRECATED_API_VERSIONS:
        yield Violation(
            obj,
            "apiVersion",
            f"{version} is deprecated or removed; use {DEPRECATED_API_VERSIONS[version]}",
        )


@rule(
    id="env-duplicate",
    title="A container sets each environment variable once",
    severity=ADVISORY,
    kinds=WORKLOADS,
    fix="Remove the repeated entry; keep the value the container should see.",
    rationale="With a name set twice the last entry wins silently, so the first one misleads "
    "readers (kube-linter duplicate-env-var).",
)
def env_duplicate(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    found = pod_spec(obj)
    if found is None:
        return
    spec, base = found
    for container, path in containers(spec, base):
        seen: dict[str, int] = {}
        for index, env in enumerate(container.get("env") or []):
            name = str(env.get("name"))
            if name in seen:
                yield Violation(
                    obj,
                    f"{path}.env[{index}].name",
                    f"container {container_name(container, path)!r}: {name!r} is also set "
                    f"by env[{seen[name]}]",
                )
            seen.setdefault(name, index)


@rule(
    id="service-selects-pods",
    title="Every Service with a selector reaches the pods of a workload",
    severity=ADVISORY,
    kinds={SERVICE},
    stack=True,
    fix="Make the selector match the labels of the revision's pods "
    "(serving.knative.dev/revision: <revision>).",
    rationale="A Service that selects no pods has no endpoints; requests to it fail "
    "(kube-linter dangling-service).",
)
def service_selects_pods(objects: Sequence[Manifest], ctx: RuleContext) -> Iterator[Violation]:
    workloads = [
        (namespace_of(o), pod_labels(o))
        for o in objects
        if kind_key(o) in WORKLOADS and pod_spec(o)
    ]
    for obj in objects:
        selector = dig(obj, "spec", "selector")
        if kind_key(obj) != SERVICE or not selector:
            continue
        if not any(
            ns == namespace_of(obj) and _selects(selector, labels) for ns, labels in workloads
        ):
            yield Violation(
                obj, "spec.selector", "selects no pods of any workload in this environment"
            )


def _selects(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())
