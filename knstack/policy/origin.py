"""Which Knative object (and field, and source line) a finding comes from.

Rules judge rendered objects; users edit Knative objects. Every object knstack renders
is labelled with the revision or route it realises (Knative's labels), which leads back to
the Service, Configuration or Route in the components, its file and, for YAML, its line.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from knstack.policy.locate import Location, parse_source
from knstack.policy.objects import (
    DEPLOYMENT,
    KNATIVE_CONFIGURATION,
    KNATIVE_REVISION,
    KNATIVE_ROUTE,
    KNATIVE_SERVICE,
)
from knstack.resolve.model import ConfigurationPlan, RoutePlan, ServingPlan
from knstack.vocabulary import (
    REVISION_LABEL,
    ROUTE_LABEL,
    kind_key,
    labels_of,
    name_of,
    namespace_of,
)

POD_SPEC = "spec.template.spec."
TEMPLATE_ANNOTATIONS = "spec.template.metadata.annotations"


@dataclass(frozen=True)
class Origin:
    ref: str  # "Service coffee-shop/coffee"
    source: Location  # the file, and the line the object's document starts on
    field: str | None  # the field of the Knative object to change, when known


class Origins:
    def __init__(self, plan: ServingPlan) -> None:
        self._configs = {(c.namespace, c.name): c for c in plan.configurations}
        self._routes = {(r.namespace, r.name): r for r in plan.routes}
        self._revision_config = {(r.namespace, r.name): r.configuration for r in plan.revisions}
        for config in plan.configurations:
            self._revision_config[(config.namespace, config.latest.name)] = config.name

    def of(self, subject: Mapping[str, Any], field: str) -> Origin | None:
        namespace, labels, key = namespace_of(subject), labels_of(subject), kind_key(subject)
        if key == KNATIVE_REVISION or REVISION_LABEL in labels:
            revision = name_of(subject) if key == KNATIVE_REVISION else str(labels[REVISION_LABEL])
            config = self._configs.get(
                (namespace, self._revision_config.get((namespace, revision), ""))
            )
            if config is None:
                return None
            latest = config.latest.name == revision
            return Origin(
                _config_ref(config),
                parse_source(config.source),
                _revision_field(key, field) if latest else None,
            )
        if ROUTE_LABEL in labels:
            route = self._routes.get((namespace, str(labels[ROUTE_LABEL])))
            return (
                Origin(_route_ref(route), parse_source(route.source), "spec.traffic")
                if route
                else None
            )
        if key == KNATIVE_CONFIGURATION and (namespace, name_of(subject)) in self._configs:
            config = self._configs[(namespace, name_of(subject))]
            return Origin(_config_ref(config), parse_source(config.source), field or None)
        if key == KNATIVE_ROUTE and (namespace, name_of(subject)) in self._routes:
            route = self._routes[(namespace, name_of(subject))]
            return Origin(_route_ref(route), parse_source(route.source), field or None)
        if key == KNATIVE_SERVICE:
            name = name_of(subject)
            if (namespace, name) in self._routes:
                route = self._routes[(namespace, name)]
                return Origin(_route_ref(route), parse_source(route.source), field or None)
            if (namespace, name) in self._configs:
                config = self._configs[(namespace, name)]
                return Origin(_config_ref(config), parse_source(config.source), None)
        return None


def _config_ref(config: ConfigurationPlan) -> str:
    return (
        f"Service {config.namespace}/{config.service}"
        if config.service
        else f"Configuration {config.namespace}/{config.name}"
    )


def _route_ref(route: RoutePlan) -> str:
    return (
        f"Service {route.namespace}/{route.service}"
        if route.service
        else f"Route {route.namespace}/{route.name}"
    )


def _revision_field(key: str, field: str) -> str | None:
    """A field of a revision's object, as a field of the Service or Configuration template."""
    if key == KNATIVE_REVISION:
        if field.startswith(("spec.", "metadata.")):
            return "spec.template." + field
        return None
    if key == DEPLOYMENT and field.startswith(POD_SPEC):
        return field  # the pod template mirrors the revision template, container by container
    if key == DEPLOYMENT and field.startswith("spec.template.metadata"):
        return "spec.template.metadata"
    # Replicas, autoscalers and budgets follow from the template's autoscaling annotations.
    return TEMPLATE_ANNOTATIONS if key != "/Service" else None
