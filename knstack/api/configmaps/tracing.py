"""config-tracing: deprecated in favour of config-observability; shipped empty (knative/serving config/core/configmaps/)."""

from __future__ import annotations

from knstack.api.configmaps.base import ConfigMapModel


class TracingConfig(ConfigMapModel):
    """No keys: tracing settings live in config-observability since the OTel migration."""

    configmap = "config-tracing"
    component = "tracing"
