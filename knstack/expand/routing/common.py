"""What every gateway's objects share: labels naming the route, backends per revision."""

from __future__ import annotations

from knstack.expand.labels import ROUTE_LABEL, SERVICE_LABEL, sorted_map
from knstack.expand.services import revision_service_port
from knstack.resolve.model import RoutePlan, ServingPlan


def route_labels(route: RoutePlan) -> dict[str, str]:
    labels = dict(route.labels)
    labels[ROUTE_LABEL] = route.name
    if route.service:
        labels[SERVICE_LABEL] = route.service
    return sorted_map(labels)


def route_annotations(route: RoutePlan) -> dict[str, str]:
    return sorted_map(dict(route.annotations))


def backend_port(plan: ServingPlan, route: RoutePlan, revision: str) -> int:
    return revision_service_port(plan.revision(route.namespace, revision))
