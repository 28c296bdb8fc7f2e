"""config-observability: OpenTelemetry metrics, tracing and request logs (knative/serving config/core/configmaps/)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from knstack.api.configmaps.base import Bool, ConfigMapModel, Duration, Float, Text, lower_choice

_ILLUSTRATION = "no default: the example value is an illustration (Knative's default is none/unset)"
MetricsProtocol = Annotated[
    Literal["none", "prometheus", "http/protobuf", "grpc"],
    lower_choice("none", "prometheus", "http/protobuf", "grpc"),
]
TracingProtocol = Annotated[
    Literal["none", "http/protobuf", "grpc", "stdout"],
    lower_choice("none", "http/protobuf", "grpc", "stdout"),
]
Toggle = Annotated[Literal["enabled", "disabled"], lower_choice("enabled", "disabled")]


def _illustrated(description: str, alias: str | None = None) -> Any:
    return Field(None, alias=alias, description=description)


class ObservabilityConfig(ConfigMapModel):
    configmap = "config-observability"
    component = "observability"
    example_only = {
        key: _ILLUSTRATION
        for key in (
            "logging.revision-url-template",
            "logging.request-log-template",
            "metrics-protocol",
            "metrics-endpoint",
            "metrics-export-interval",
            "request-metrics-protocol",
            "request-metrics-endpoint",
            "request-metrics-export-interval",
            "runtime-profiling",
            "tracing-protocol",
            "tracing-endpoint",
            "tracing-sampling-rate",
        )
    }

    logging_enable_var_log_collection: Bool = Field(
        False,
        alias="logging.enable-var-log-collection",
        description="Collect /var/log of revision pods.",
    )
    logging_revision_url_template: Text | None = _illustrated(
        "URL template of a revision's logs.", "logging.revision-url-template"
    )
    logging_request_log_template: Text | None = _illustrated(
        "Go template of request log lines.", "logging.request-log-template"
    )
    logging_enable_request_log: Bool = Field(
        False, alias="logging.enable-request-log", description="Log user requests."
    )
    logging_enable_probe_request_log: Bool = Field(
        False, alias="logging.enable-probe-request-log", description="Log probe requests."
    )
    metrics_protocol: MetricsProtocol | None = _illustrated(
        "Metrics export: none, prometheus, http/protobuf or grpc."
    )
    metrics_endpoint: Text | None = _illustrated(
        "Where metrics go (required for http/protobuf and grpc)."
    )
    metrics_export_interval: Duration | None = _illustrated("Metrics reporting period.")
    request_metrics_protocol: MetricsProtocol | None = _illustrated(
        "queue-proxy metrics export protocol."
    )
    request_metrics_endpoint: Text | None = _illustrated("Where queue-proxy metrics go.")
    request_metrics_export_interval: Duration | None = _illustrated(
        "queue-proxy metrics reporting period."
    )
    runtime_profiling: Toggle | None = _illustrated(
        "Serve pprof profiles on port 8008: enabled or disabled."
    )
    tracing_protocol: TracingProtocol | None = _illustrated(
        "Trace export: none, http/protobuf, grpc or stdout."
    )
    tracing_endpoint: Text | None = _illustrated(
        "Where traces go (required for http/protobuf and grpc)."
    )
    tracing_sampling_rate: Float | None = _illustrated("Share of requests traced, 0 to 1.")

    @field_validator("tracing_sampling_rate")
    @classmethod
    def _rate(cls, value: float | None) -> float | None:
        if value is not None and not 0 <= value <= 1:
            raise ValueError(f"tracing-sampling-rate = {value:g}, must be between 0 and 1")
        return value

    @model_validator(mode="after")
    def _endpoints(self) -> ObservabilityConfig:
        for prefix, protocol, endpoint in (
            ("metrics", self.metrics_protocol, self.metrics_endpoint),
            ("request-metrics", self.request_metrics_protocol, self.request_metrics_endpoint),
            ("tracing", self.tracing_protocol, self.tracing_endpoint),
        ):
            if protocol in ("http/protobuf", "grpc") and not endpoint:
                raise ValueError(
                    f"{prefix}-endpoint must be set when {prefix}-protocol is {protocol}"
                )
            if protocol in (None, "none") and endpoint:
                raise ValueError(
                    f"{prefix}-endpoint must not be set when {prefix}-protocol is none"
                )
        return self
