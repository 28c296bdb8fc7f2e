"""The defaulting step between resolution and expansion.

Knative runs SetDefaults on every Revision before its builders read it
(knative/serving pkg/apis/serving/v1/revision_defaults.go), and its builders take the
cluster's config as an argument (pkg/reconciler/revision/resources/deploy.go,
`MakeDeployment(rev, cfg)`). knstack does the same: `apply_defaults` gives every revision
of a plan the values the environment's config maps imply, and the builders read
`RevisionPlan.effective` instead of holding defaults of their own.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from knstack.api.configmaps import ServingConfig
from knstack.api.configmaps.base import seconds
from knstack.api.core import ResourceRequirements
from knstack.api.duration import parse_go_duration
from knstack.resolve.model import RevisionDefaults, RevisionPlan, ServingPlan
from knstack.vocabulary import PROGRESS_DEADLINE_ANNOTATION


def apply_defaults(plan: ServingPlan, config: ServingConfig) -> ServingPlan:
    """The plan with every revision (routed ones and each configuration's latest) defaulted."""
    revisions = tuple(default_revision(rev, config) for rev in plan.revisions)
    configurations = tuple(
        dataclasses.replace(c, latest=default_revision(c.latest, config))
        for c in plan.configurations
    )
    return dataclasses.replace(plan, revisions=revisions, configurations=configurations)


def default_revision(rev: RevisionPlan, config: ServingConfig) -> RevisionPlan:
    return dataclasses.replace(rev, defaults=revision_defaults(rev, config))


def revision_defaults(rev: RevisionPlan, config: ServingConfig) -> RevisionDefaults:
    spec = rev.template.spec
    progress = (rev.template.metadata.annotations or {}).get(PROGRESS_DEADLINE_ANNOTATION)
    return RevisionDefaults(
        # SetDefaults treats 0 as unset too.
        timeout_seconds=spec.timeout_seconds or config.defaults.revision_timeout_seconds,
        progress_deadline_seconds=int(
            parse_go_duration(progress)
            if progress
            else seconds(config.deployment.progress_deadline)
        ),
        container_concurrency=(
            spec.container_concurrency
            if spec.container_concurrency is not None
            else config.defaults.container_concurrency
        ),
        container_names=container_names(rev, config),
        container_resources=tuple(
            defaulted_resources(c.resources, config) for c in rev.template.spec.containers
        ),
    )


_RESOURCE_DEFAULTS = (  # (resource, config-defaults request field, limit field)
    ("cpu", "revision_cpu_request", "revision_cpu_limit"),
    ("memory", "revision_memory_request", "revision_memory_limit"),
    ("ephemeral-storage", "revision_ephemeral_storage_request", "revision_ephemeral_storage_limit"),
)


def defaulted_resources(
    resources: ResourceRequirements | None, config: ServingConfig
) -> dict[str, Any] | None:
    """applyDefault (revision_defaults.go): each of cpu, memory and ephemeral-storage gets
    config-defaults' request and limit where the container sets none, key by key."""
    data = resources.to_dict() if resources is not None else {}
    requests = {k: str(v) for k, v in (data.get("requests") or {}).items()}
    limits = {k: str(v) for k, v in (data.get("limits") or {}).items()}
    for name, request_field, limit_field in _RESOURCE_DEFAULTS:
        request = getattr(config.defaults, request_field)
        limit = getattr(config.defaults, limit_field)
        if name not in requests and request is not None:
            requests[name] = str(request)
        if name not in limits and limit is not None:
            limits[name] = str(limit)
    out: dict[str, Any] = {}
    if requests:
        out["requests"] = dict(sorted(requests.items()))
    if limits:
        out["limits"] = dict(sorted(limits.items()))
    if data.get("claims"):
        out["claims"] = data["claims"]
    return out or None


def container_names(rev: RevisionPlan, config: ServingConfig) -> tuple[str, ...]:
    """applyDefaultContainerNames (revision_defaults.go): one unnamed container takes the
    config-defaults container-name-template; with several, unnamed ones take <template>-N in
    order, N counting up past names the user took (init containers' included)."""
    spec = rev.template.spec
    containers = spec.containers
    default = _container_name_template(config.defaults.container_name_template, rev)
    taken = {c.name for c in [*containers, *(spec.init_containers or [])] if c.name}
    names: list[str] = []
    suffix = 0
    for container in containers:
        name = container.name or default
        if not container.name and (len(containers) > 1 or name in taken):
            while (name := f"{default}-{suffix}") in taken:
                suffix += 1
            suffix += 1
        names.append(name)
    return tuple(names)


def _container_name_template(template: str, rev: RevisionPlan) -> str:
    """config-defaults container-name-template is a Go template over the parent's metadata
    (knative/serving pkg/apis/config/defaults.go, UserContainerName); knstack fills in the
    two fields it may name."""
    return template.replace("{{.Name}}", rev.configuration).replace("{{.Namespace}}", rev.namespace)
