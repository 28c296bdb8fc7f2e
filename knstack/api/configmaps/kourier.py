"""config-kourier: the Kourier gateway's settings (net-kourier config/200-config.yaml)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from knstack.api.configmaps.base import (
    Bool,
    ConfigMapModel,
    Duration,
    Float,
    Int,
    Text,
    _parse_bool,
    _scalar_text,
    lower_choice,
    seconds,
)

ExtAuthzProtocol = Annotated[
    Literal["grpc", "http", "https"], lower_choice("grpc", "http", "https")
]
TracingProtocol = Annotated[Literal["grpc", "http/protobuf"], lower_choice("grpc", "http/protobuf")]


def _optional_bool(value: Any) -> str:
    """Empty (use the environment variable) or a boolean."""
    text = _scalar_text(value).strip()
    return "" if text == "" else ("true" if _parse_bool(text) else "false")


class KourierConfig(ConfigMapModel):
    configmap = "config-kourier"
    component = "net-kourier"
    checksummed = False  # upstream ships config-kourier without the checksum annotation

    enable_service_access_logging: Bool = Field(
        True, description="Log requests reaching services through the gateway."
    )
    service_access_log_template: Text = Field("", description="Envoy format of access log lines.")
    enable_proxy_protocol: Bool = Field(False, description="Accept the PROXY protocol (alpha).")
    cluster_cert_secret: Text = Field(
        "", description="Secret with the certificate of internal TLS (alpha)."
    )
    stream_idle_timeout: Duration = Field(
        "0s", description="Idle timeout of request streams; 0s means none."
    )
    enable_cryptomb: Bool = Field(
        False, description="Use the CryptoMB private key provider (alpha)."
    )
    trusted_hops_count: Int = Field(0, description="Trusted proxy hops in X-Forwarded-For.")
    use_remote_address: Bool = Field(
        False, description="Use the connection's remote address as the client address."
    )
    cipher_suites: Text = Field(
        "", description="TLS cipher suites of the external listener, comma-separated."
    )
    disable_envoy_server_header: Bool = Field(
        False, description="Do not add the Envoy server header."
    )
    extauthz_host: Text = Field("", description="External authorization service, host:port.")
    extauthz_protocol: ExtAuthzProtocol = Field(
        "grpc", description="Protocol of the external authorization service."
    )
    extauthz_failure_mode_allow: Annotated[str, BeforeValidator(_optional_bool)] = Field(
        "", description="Let traffic through when the authorization service is down (true/false)."
    )
    extauthz_max_request_body_bytes: Int = Field(
        8192, description="Largest request body sent for authorization."
    )
    extauthz_timeout: Int = Field(2000, description="Authorization timeout in milliseconds.")
    extauthz_path_prefix: Text = Field(
        "", description="Path prefix of HTTP authorization requests."
    )
    extauthz_pack_as_byte: Bool = Field(
        False, description="Send the body as raw bytes to a gRPC authorization service."
    )
    certs_secret_name: Text = Field("", description="Secret with the gateway's TLS certificate.")
    certs_secret_namespace: Text = Field("", description="Namespace of certs-secret-name.")
    tracing_endpoint: Text = Field(
        "", description="OTLP collector endpoint; empty disables tracing."
    )
    tracing_protocol: TracingProtocol = Field(
        "grpc", description="Tracing protocol: grpc or http/protobuf."
    )
    tracing_sampling_rate: Float = Field(1.0, description="Share of requests traced, 0 to 1.")
    tracing_service_name: Text = Field(
        "kourier-knative", description="Service name of the gateway's traces."
    )

    @field_validator("trusted_hops_count", "extauthz_max_request_body_bytes", "extauthz_timeout")
    @classmethod
    def _non_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError(f"{value} must be at least 0")
        return value

    @field_validator("stream_idle_timeout")
    @classmethod
    def _timeout(cls, value: str) -> str:
        if seconds(value) < 0:
            raise ValueError(f"{value} must not be negative")
        return value

    @field_validator("tracing_sampling_rate")
    @classmethod
    def _rate(cls, value: float) -> float:
        if not 0 <= value <= 1:
            raise ValueError(f"tracing-sampling-rate = {value:g}, must be between 0 and 1")
        return value
