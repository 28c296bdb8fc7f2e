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

from knstack.api.configmaps import ServingConfig
from knstack.api.configmaps.base import seconds
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
    )


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
