"""The expansion engine: pure functions from a resolved plan and settings to manifests.

One module per output kind (deployment, services, autoscaling, routing/*), as Knative's
revision/resources has one builder per object. No I/O and no Pulumi: the renderer, the
Pulumi components and the checks all call `expand`.
"""

from __future__ import annotations

from knstack.errors import InputError, Problem
from knstack.expand.knative import expand_knative
from knstack.expand.kubernetes import expand_kubernetes
from knstack.expand.result import Expansion, Manifest
from knstack.resolve.model import ServingPlan
from knstack.stack.settings import ClusterSettings

__all__ = ["Expansion", "Manifest", "expand"]


def expand(plan: ServingPlan, settings: ClusterSettings) -> Expansion:
    backend = settings.stack.backend
    if backend == "kubernetes":
        return expand_kubernetes(plan, settings)
    if backend == "knative":
        return expand_knative(plan, settings)
    raise InputError(
        Problem(
            f"the {backend!r} backend is not available in this version of knstack",
            field="knstack:backend",
        )
    )
