"""Knative's webhook rules for Service, Configuration and Route, as knstack applies them.

`validate_object` returns every problem with its field path, relative to the object.
"""

from __future__ import annotations

from knstack.api.context import DEFAULT_CONTEXT, ServingContext
from knstack.api.serving import Configuration, Route, Service, ServingObject
from knstack.api.validation.metadata import validate_object_metadata, validate_template_metadata
from knstack.api.validation.podspec import validate_revision_spec
from knstack.api.validation.traffic import validate_traffic
from knstack.errors import Problem

__all__ = ["validate_object"]


def validate_object(obj: ServingObject, ctx: ServingContext = DEFAULT_CONTEXT) -> list[Problem]:
    problems = validate_object_metadata(obj.metadata, routable=not isinstance(obj, Configuration))
    name = obj.metadata.name or ""
    if isinstance(obj, Service | Configuration):
        template = obj.spec.template
        problems += validate_template_metadata(
            template.metadata, name, ctx, "spec.template.metadata"
        )
        problems += validate_revision_spec(template.spec, ctx, "spec.template.spec")
    if isinstance(obj, Service):
        problems += validate_traffic(obj.spec.traffic, in_service=True, route_name=name)
    elif isinstance(obj, Route):
        problems += validate_traffic(obj.spec.traffic, in_service=False, route_name=name)
    return problems
