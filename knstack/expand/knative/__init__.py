"""The `knative` backend: the cluster runs Knative Serving; knstack renders its objects.

Services, Configurations and Routes carry the ledger's revision names (BYO template
names) and explicit traffic, so the cluster runs exactly what the ledger says. When the
environment asks for it (`knative.install`), the control plane comes with them.
"""

from __future__ import annotations

from knstack.api.knstack_annotations import reserved_instance
from knstack.expand.knative.objects import build_configuration, build_route, build_service
from knstack.expand.knative.pod_security import pod_security_warnings
from knstack.expand.namespace import UNMANAGED_NAMESPACES, build_namespace
from knstack.expand.platform import build_platform
from knstack.expand.result import Expansion
from knstack.resolve.model import ServingPlan
from knstack.stack.settings import ClusterSettings

__all__ = ["expand_knative"]


def expand_knative(plan: ServingPlan, settings: ClusterSettings) -> Expansion:
    out = Expansion(warnings=list(plan.warnings))
    stack = settings.stack
    if stack.knative.install:
        out.manifests += build_platform(plan, settings)
    if stack.manage_namespaces:
        out.manifests += [
            build_namespace(ns) for ns in plan.namespaces() if ns not in UNMANAGED_NAMESPACES
        ]
    routes = {(r.namespace, r.name): r for r in plan.routes}
    for config in plan.configurations:
        if config.service is not None:
            out.manifests.append(build_service(config, routes[(config.namespace, config.service)]))
        else:
            out.manifests.append(build_configuration(config))
    out.manifests += [build_route(route) for route in plan.routes if route.service is None]
    out.warnings += _reserved_instance_warnings(plan, settings)
    revisions = {
        rev.ref: rev for rev in (*plan.revisions, *(c.latest for c in plan.configurations))
    }
    out.warnings += pod_security_warnings([revisions[ref] for ref in sorted(revisions)], settings)
    out.warnings += _install_only_warnings(settings)
    return out


def _install_only_warnings(settings: ClusterSettings) -> list[str]:
    """Settings that reach Knative through ConfigMaps knstack writes only with the install."""
    stack = settings.stack
    if stack.knative.install:
        return []
    unused = []
    if stack.defaults.resources is not None:
        unused.append("knstack:defaults.resources (config-defaults revision-*)")
    if stack.reserved_instance.enabled:
        unused.append("knstack:reservedInstance.enabled (config-autoscaler min-scale)")
    return [
        f"{item} reaches Knative through a ConfigMap knstack writes only when it installs "
        "Knative (knative.install): set it on the cluster"
        for item in unused
    ]


def _reserved_instance_warnings(plan: ServingPlan, settings: ClusterSettings) -> list[str]:
    reserved = settings.stack.reserved_instance
    used = reserved.enabled or any(
        reserved_instance(c.latest.template.annotations()) for c in plan.configurations
    )
    if used and "resources" in reserved.model_fields_set:
        return [
            "reservedInstance.resources does not apply to the knative backend: Knative keeps the "
            "reserved pod at the revision's own size (min-scale 1); see docs/backends.md"
        ]
    return []
