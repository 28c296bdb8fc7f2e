"""config-logging: the zap logger and per-component levels (knative/serving config/core/configmaps/)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from knstack.api.configmaps.base import ConfigMapModel, Text, lower_choice

LEVELS = ("debug", "info", "warn", "error", "dpanic", "panic", "fatal")
Level = Annotated[
    Literal["debug", "info", "warn", "error", "dpanic", "panic", "fatal"], lower_choice(*LEVELS)
]
COMPONENTS = (
    "controller",
    "autoscaler",
    "queueproxy",
    "webhook",
    "activator",
    "hpaautoscaler",
    "net-istio-controller",
    "net-contour-controller",
    "net-kourier-controller",
    "net-gateway-api-controller",
)


def _level(component: str) -> Any:
    return Field(
        "info", alias=f"loglevel.{component}", description=f"Log level of the {component}."
    )


class LoggingConfig(ConfigMapModel):
    configmap = "config-logging"
    component = "logging"
    example_only = {
        "zap-logger-config": "Knative's built-in logger configuration applies when unset; "
        "knstack does not restate it"
    }

    zap_logger_config: Text | None = Field(None, description="The zap logger configuration (JSON).")
    loglevel_controller: Level = _level("controller")
    loglevel_autoscaler: Level = _level("autoscaler")
    loglevel_queueproxy: Level = _level("queueproxy")
    loglevel_webhook: Level = _level("webhook")
    loglevel_activator: Level = _level("activator")
    loglevel_hpaautoscaler: Level = _level("hpaautoscaler")
    loglevel_net_istio_controller: Level = _level("net-istio-controller")
    loglevel_net_contour_controller: Level = _level("net-contour-controller")
    loglevel_net_kourier_controller: Level = _level("net-kourier-controller")
    loglevel_net_gateway_api_controller: Level = _level("net-gateway-api-controller")

    @field_validator("zap_logger_config")
    @classmethod
    def _json(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError as err:
                raise ValueError(f"is not valid JSON: {err.msg} (line {err.lineno})") from None
            if not isinstance(parsed, dict):
                raise ValueError("must be a JSON object")
        return value
