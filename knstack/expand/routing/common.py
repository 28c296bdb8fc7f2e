"""What every gateway's objects share: labels naming the route, backends per revision."""

from __future__ import annotations

from knstack.errors import InputError, Problem
from knstack.expand.labels import sorted_map
from knstack.expand.services import revision_service_port
from knstack.resolve.model import RoutePlan, ServingPlan
from knstack.vocabulary import ROUTE_LABEL, SERVICE_LABEL, TAG_LABEL


def route_labels(route: RoutePlan, tag: str | None = None) -> dict[str, str]:
    """The route's labels plus Knative's route and service labels (and the tag, for a tag host)."""
    labels = dict(route.labels)
    labels[ROUTE_LABEL] = route.name
    if route.service:
        labels[SERVICE_LABEL] = route.service
    if tag:
        labels[TAG_LABEL] = tag
    return sorted_map(labels)


def route_annotations(route: RoutePlan) -> dict[str, str]:
    return sorted_map(dict(route.annotations))


def backend_port(plan: ServingPlan, route: RoutePlan, revision: str) -> int:
    return revision_service_port(plan.revision(route.namespace, revision))


# Knative's tag-header routing headers (route/resources/ingress.go, knative/serving pkg/reconciler/route/resources/ingress.go).
TAG_HEADER = "Knative-Serving-Tag"
DEFAULT_ROUTE_HEADER = "Knative-Serving-Default-Route"


def route_error(route: RoutePlan, message: str, field: str = "spec.traffic") -> InputError:
    """A route the chosen gateway cannot carry: names the file, the route and the field."""
    return InputError(Problem(message, file=route.source or None, obj=route.ref, field=field))
