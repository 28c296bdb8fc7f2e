"""A reserved instance: one low-spec pod that stays up instead of scaling to zero.

For a revision that may scale to zero (KPA class on the KEDA HTTP add-on, min-scale 0)
and asks for it (`knstack.dev/reserved-instance`, or the environment's
`reservedInstance.enabled`): a second Deployment, `<revision>-reserved`, runs one pod of
the same revision with the serving container sized by `reservedInstance.resources`. Its
pods carry the revision label, so the revision's Service (the interceptor's target)
always has an endpoint: the first request after an idle period is answered by the
reserved pod at once. The interceptor still counts requests, and KEDA scales the main
Deployment up from zero when the count calls for it (light traffic may stay on the
reserved pod); after `scaledownPeriod` without traffic it returns to zero and the
reserved pod is again the only one.

While normal pods run, the Service spreads requests over them and the reserved pod
alike, so the reserved pod keeps a 1/(n+1) share: size it to serve slowly, not to fail.
The main Deployment's selector (the revision label) also matches the reserved pods;
that is harmless: each ReplicaSet selects its own pod-template-hash and owner
references keep the Deployments from adopting each other's ReplicaSets, and the
add-on scales on the interceptor's request counts, not on pod metrics.
"""

from __future__ import annotations

import copy
from typing import Any

from knstack.api.knstack_annotations import RESERVED_INSTANCE
from knstack.api.validation.podspec import serving_container_index
from knstack.expand.deployment import build_revision_deployment, container_resources
from knstack.expand.labels import sorted_map
from knstack.naming import reserved_deployment_name
from knstack.resolve.model import RevisionPlan
from knstack.stack.settings import ClusterSettings
from knstack.vocabulary import REVISION_LABEL

RESERVED_LABEL = RESERVED_INSTANCE  # "knstack.dev/reserved-instance": "true" marks the pods


def build_reserved_deployment(rev: RevisionPlan, settings: ClusterSettings) -> dict[str, Any]:
    deployment = copy.deepcopy(build_revision_deployment(rev, settings, replicas=1))
    labels = sorted_map({**deployment["metadata"]["labels"], RESERVED_LABEL: "true"})
    deployment["metadata"]["name"] = reserved_deployment_name(rev.name)
    deployment["metadata"]["labels"] = labels
    spec = deployment["spec"]
    spec["selector"] = {"matchLabels": {REVISION_LABEL: rev.name, RESERVED_LABEL: "true"}}
    spec["template"]["metadata"]["labels"] = labels
    containers = spec["template"]["spec"]["containers"]
    serving = containers[serving_container_index(rev.template.spec)]
    serving["resources"] = container_resources(settings.stack.reserved_instance.resources)
    return deployment
