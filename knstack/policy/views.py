"""The Knative objects of a resolved plan, as Knative's controller would hold them.

`knstack check` judges Knative-level rules (max-scale, containerConcurrency, ...) on these:
one `Revision` per revision the environment serves or introduces, named as in the ledger,
with its template's labels and annotations and its owner's waivers. A cluster running
Knative holds the same objects, which is what the CrossGuard pack sees for the knative
backend.
"""

from __future__ import annotations

from collections.abc import Sequence

from knstack.api.loader import LoadedObject
from knstack.api.waivers import waiver_annotations
from knstack.expand.knative.template import revision_template
from knstack.policy.model import Manifest
from knstack.resolve.model import ConfigurationPlan, RevisionPlan, ServingPlan
from knstack.vocabulary import (
    CONFIGURATION_GENERATION_LABEL,
    CONFIGURATION_LABEL,
    SERVICE_LABEL,
    SERVING_GROUP,
)


def knative_view(plan: ServingPlan) -> list[Manifest]:
    """Revisions routed to, plus each configuration's latest (the one a change introduces)."""
    owners = {(c.namespace, c.name): c for c in plan.configurations}
    revisions = {(r.namespace, r.name): r for r in plan.revisions}
    for config in plan.configurations:
        revisions.setdefault((config.namespace, config.latest.name), config.latest)
    return [
        revision_object(rev, owners.get((rev.namespace, rev.configuration)))
        for _, rev in sorted(revisions.items())
    ]


def revision_object(rev: RevisionPlan, owner: ConfigurationPlan | None) -> Manifest:
    """The Revision Knative creates from the template the knative expansion builds
    (knstack.expand.knative.template), with the labels Knative's reconciler adds
    (knative/serving pkg/reconciler/configuration/resources/revision.go) and the owner's
    waivers."""
    template = revision_template(rev)
    labels = dict(template["metadata"].get("labels") or {})
    labels[CONFIGURATION_LABEL] = rev.configuration
    labels[CONFIGURATION_GENERATION_LABEL] = str(rev.generation)
    if rev.service:
        labels[SERVICE_LABEL] = rev.service
    annotations = {
        **(template["metadata"].get("annotations") or {}),
        **waiver_annotations(owner.annotations if owner else None),
    }
    return {
        "apiVersion": f"{SERVING_GROUP}/v1",
        "kind": "Revision",
        "metadata": {
            "name": rev.name,
            "namespace": rev.namespace,
            "labels": dict(sorted(labels.items())),
            "annotations": dict(sorted(annotations.items())),
        },
        "spec": template["spec"],
    }


def source_view(objects: Sequence[LoadedObject], namespace: str | None) -> list[Manifest]:
    """The Services, Configurations and Routes as loaded (API form, in the environment's
    `namespace` unless they name one), each once: the newest version of an object whose
    file keeps its history."""
    latest: dict[tuple[str, str, str], Manifest] = {}
    for loaded in objects:
        doc = loaded.obj.to_dict()
        meta = doc.setdefault("metadata", {})
        meta.setdefault("namespace", namespace or "default")
        latest[(str(doc.get("kind")), str(meta["namespace"]), str(meta.get("name")))] = doc
    return [latest[key] for key in sorted(latest)]
