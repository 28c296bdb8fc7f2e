"""The Knative Serving control-plane install, generated from the environment's typed settings.

One module per component or concern (namespace, crds, rbac, controller, autoscaler,
activator, webhook, hpa_autoscaler, configmaps, caching, networking/*), following the
upstream release of the pinned version (knative/serving config/core/); `build_platform` assembles them and
applies high availability, placement and image pull secrets.
"""

from __future__ import annotations

from knstack.errors import InputError, Problem
from knstack.expand.platform.activator import build_activator
from knstack.expand.platform.autoscaler import build_autoscaler
from knstack.expand.platform.caching import build_queue_proxy_image, build_routing_certificate
from knstack.expand.platform.common import Install, apply_workload_settings, with_pull_secrets
from knstack.expand.platform.configmaps import build_serving_configmaps, effective_config
from knstack.expand.platform.controller import build_controller
from knstack.expand.platform.crds import CRD_NAMES, build_crds
from knstack.expand.platform.hpa_autoscaler import build_hpa_autoscaler
from knstack.expand.platform.namespace import build_system_namespace
from knstack.expand.platform.networking import build_gateway_api, build_kourier
from knstack.expand.platform.rbac import build_rbac
from knstack.expand.platform.webhook import build_webhook
from knstack.expand.result import Manifest
from knstack.resolve.model import ServingPlan
from knstack.stack.settings import ClusterSettings

__all__ = ["CRD_NAMES", "build_platform", "hpa_revisions", "wants_hpa_autoscaler"]


def hpa_revisions(plan: ServingPlan) -> list[str]:
    """HPA-class revisions: routed ones and each configuration's latest (Knative creates it)."""
    revisions = {rev.ref: rev for rev in plan.revisions}
    revisions.update({c.latest.ref: c.latest for c in plan.configurations})
    return sorted(ref for ref, rev in revisions.items() if rev.autoscaling.is_hpa)


def wants_hpa_autoscaler(plan: ServingPlan, settings: ClusterSettings) -> bool:
    choice = settings.stack.knative.hpa_autoscaler
    needed = hpa_revisions(plan)
    if choice is False and needed:
        raise InputError(
            Problem(
                f"{', '.join(needed)} use the HPA autoscaler class, which needs the HPA "
                f"autoscaler: "
                "set knative.hpaAutoscaler to true (or leave it unset)",
                field='config."knstack:knative".hpaAutoscaler',
            )
        )
    return bool(choice) or bool(needed)


def build_platform(plan: ServingPlan, settings: ClusterSettings) -> list[Manifest]:
    knative = settings.stack.knative
    install = Install(knative)
    config = effective_config(settings, install)
    manifests: list[Manifest] = [
        build_system_namespace(install),
        *build_crds(install),
        *build_rbac(install),
        *build_serving_configmaps(install, config),
        *build_controller(install),
        *build_autoscaler(install),
        *build_activator(install),
        *build_webhook(install),
        build_queue_proxy_image(install),
        build_routing_certificate(),
    ]
    if wants_hpa_autoscaler(plan, settings):
        manifests += build_hpa_autoscaler(install)
    if knative.networking == "kourier":
        manifests += build_kourier(install, config.kourier)
    else:
        assert knative.gateway_api is not None  # KnativeSettings requires it with install
        manifests += build_gateway_api(install, settings.gateway, knative.gateway_api)
    return with_pull_secrets(apply_workload_settings(manifests, knative), knative)
