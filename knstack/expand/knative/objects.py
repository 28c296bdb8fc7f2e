"""Knative Service, Configuration and Route objects from the resolved plan."""

from __future__ import annotations

from typing import Any

from knstack.expand.knative.template import build_template
from knstack.expand.knative.traffic import build_traffic
from knstack.expand.labels import object_meta, sorted_map
from knstack.expand.result import Manifest
from knstack.resolve.model import ConfigurationPlan, RoutePlan
from knstack.vocabulary import SERVING_API_VERSION


def _meta(
    name: str, namespace: str, labels: dict[str, str], annotations: dict[str, str]
) -> dict[str, Any]:
    return object_meta(name, namespace, sorted_map(labels), sorted_map(annotations))


def build_service(config: ConfigurationPlan, route: RoutePlan) -> Manifest:
    return {
        "apiVersion": SERVING_API_VERSION,
        "kind": "Service",
        "metadata": _meta(config.name, config.namespace, config.labels, config.annotations),
        "spec": {
            "template": build_template(config.latest, kind="Service", source=config.source),
            "traffic": build_traffic(route),
        },
    }


def build_configuration(config: ConfigurationPlan) -> Manifest:
    return {
        "apiVersion": SERVING_API_VERSION,
        "kind": "Configuration",
        "metadata": _meta(config.name, config.namespace, config.labels, config.annotations),
        "spec": {
            "template": build_template(config.latest, kind="Configuration", source=config.source)
        },
    }


def build_route(route: RoutePlan) -> Manifest:
    return {
        "apiVersion": SERVING_API_VERSION,
        "kind": "Route",
        "metadata": _meta(route.name, route.namespace, route.labels, route.annotations),
        "spec": {"traffic": build_traffic(route)},
    }
