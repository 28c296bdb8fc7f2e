"""The ConfigMaps of the install, from the environment's typed configuration (knative/serving config/core/configmaps/).

Each ConfigMap carries real settings as top-level keys (only those set: Knative's defaults
apply to the rest) and a generated `_example` block with its `knative.dev/example-checksum`,
so `kubectl edit` shows every key and the webhook's checksum rule holds.

Some keys follow from other settings of the environment rather than from `config`:
the queue-proxy image, the ingress class of the networking layer, the environment's domain,
the reserved instance (config-autoscaler min-scale) and the default resources of user
containers (config-defaults revision-*). knstack also turns on `secure-pod-defaults`
unless the environment sets it, so user pods meet Pod Security "restricted".
"""

from __future__ import annotations

from typing import Any

from knstack.api.configmaps import (
    CHECKSUM_ANNOTATION,
    EXAMPLE_KEY,
    ConfigMapModel,
    DomainConfig,
    ServingConfig,
    example_checksum,
)
from knstack.expand.platform.common import SYSTEM_NAMESPACE, Install, metadata
from knstack.expand.result import Manifest
from knstack.stack.knative import with_resource_defaults
from knstack.stack.settings import ClusterSettings

INGRESS_CLASSES = {
    "kourier": "kourier.ingress.networking.knative.dev",
    "gateway-api": "gateway-api.ingress.networking.knative.dev",
}
_EXTRA_LABELS = {
    "config-certmanager": {"networking.knative.dev/certificate-provider": "cert-manager"}
}


def effective_config(settings: ClusterSettings, install: Install) -> ServingConfig:
    """`knative.config` with the keys knstack derives from the rest of the environment."""
    stack = settings.stack
    config = stack.knative.config
    updates: dict[str, Any] = {
        "deployment": config.deployment.model_copy(
            update={"queue_sidecar_image": install.image("queue-proxy")}
        ),
        "network": config.network.model_copy(
            update={"ingress_class": INGRESS_CLASSES[stack.knative.networking]}
        ),
        "domain": config.domain.with_default(settings.domain),
    }
    if "secure_pod_defaults" not in config.features.model_fields_set:
        updates["features"] = config.features.model_copy(update={"secure_pod_defaults": "enabled"})
    if stack.reserved_instance.enabled and "min_scale" not in config.autoscaler.model_fields_set:
        updates["autoscaler"] = config.autoscaler.model_copy(update={"min_scale": 1})
    updates["defaults"] = with_resource_defaults(config, stack.defaults.resources).defaults
    return config.model_copy(update=updates)


def build_configmap(
    install: Install, model: ConfigMapModel | DomainConfig, labels: dict[str, str] | None = None
) -> Manifest:
    example = model.example()
    annotations = (
        {CHECKSUM_ANNOTATION: example_checksum(example)}
        if getattr(model, "checksummed", True)
        else None
    )
    base = (
        labels
        if labels is not None
        else install.labels(model.component, **_EXTRA_LABELS.get(model.configmap, {}))
    )
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(model.configmap, SYSTEM_NAMESPACE, base, annotations),
        "data": {EXAMPLE_KEY: example, **model.data()},
    }


def build_serving_configmaps(install: Install, config: ServingConfig) -> list[Manifest]:
    return [build_configmap(install, model) for model in config.serving_configmaps()]
