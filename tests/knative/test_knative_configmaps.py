"""Typed ConfigMaps: a good and a bad value for every option, and the `_example` checksum rule.

Good values are accepted and written back as top-level keys; bad ones (wrong type or out
of Knative's range, knative/serving pkg/autoscaler/config/config.go and 6.3) are rejected with a message naming the stack file
and the key.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from knstack.api.configmaps import ServingConfig, example_checksum
from knstack.api.configmaps.features import FeaturesConfig
from knstack.api.configmaps.logging import COMPONENTS
from knstack.errors import InputError
from knstack.stack.loader import parse_settings

STACK_FILE = "stacks/Pulumi.lab.yaml"
ISSUER = "kind: ClusterIssuer\nname: letsencrypt\n"


@dataclass(frozen=True)
class With:
    """A value that is good or bad only together with other keys of the same ConfigMap."""

    value: Any
    others: dict[str, Any] = field(default_factory=dict)


# ConfigMap (short name) -> key -> (good value, bad value).
CASES: dict[str, dict[str, tuple[Any, Any]]] = {
    "autoscaler": {
        "container-concurrency-target-percentage": ("80", "150"),
        "container-concurrency-target-default": ("50", "0.001"),
        "requests-per-second-target-default": ("150", "0"),
        "target-burst-capacity": ("-1", "-5"),
        "stable-window": ("90s", "5s"),
        "panic-window-percentage": ("20", "0.5"),
        "panic-threshold-percentage": ("300", "100"),
        "max-scale-up-rate": ("100", "1"),
        "max-scale-down-rate": ("4", "0.5"),
        "enable-scale-to-zero": ("false", "sometimes"),
        "scale-to-zero-grace-period": ("45s", "0s"),
        "scale-to-zero-pod-retention-period": ("1m", "-1s"),
        "pod-autoscaler-class": ("hpa.autoscaling.knative.dev", "custom.knative.dev"),
        "activator-capacity": ("50", "0.5"),
        "initial-scale": ("2", "0"),
        "allow-zero-initial-scale": ("true", "maybe"),
        "min-scale": ("1", "-1"),
        "max-scale": ("10", "-2"),
        "scale-down-delay": ("15m", "1.5s"),
        "max-scale-limit": (With("100", {"max-scale": "50"}), With("100", {"max-scale": "200"})),
    },
    "certmanager": {
        "issuerRef": (ISSUER, "kind: Deployment\nname: x\n"),
        "clusterLocalIssuerRef": (ISSUER, "name: no-kind\n"),
        "systemInternalIssuerRef": (ISSUER, "just text"),
    },
    "defaults": {
        "revision-timeout-seconds": ("120", "900"),
        "max-revision-timeout-seconds": ("900", "60"),
        "revision-response-start-timeout-seconds": ("60", "-1"),
        "revision-idle-timeout-seconds": ("30", "-5"),
        "revision-cpu-request": ("100m", "fast"),
        "revision-cpu-limit": ("1", "1 core"),
        "revision-memory-request": ("128Mi", "128MB!"),
        "revision-memory-limit": ("1Gi", "lots"),
        "revision-ephemeral-storage-request": ("500M", "half"),
        "revision-ephemeral-storage-limit": ("1G", "1 gig"),
        "container-name-template": ("app", " "),
        "init-container-name-template": ("setup", ""),
        "container-concurrency": ("10", "5000"),
        "container-concurrency-max-limit": ("2000", "0"),
        "allow-container-concurrency-zero": ("true", "nope"),
        "enable-service-links": ("true", "perhaps"),
    },
    "deployment": {
        "registries-skipping-tag-resolving": ("registry.local", ["not", "a", "string"]),
        "digest-resolution-timeout": ("20s", "0s"),
        "progress-deadline": ("10m", "ten minutes"),
        "queue-sidecar-cpu-request": ("50m", "a little"),
        "queue-sidecar-cpu-limit": ("500m", "much"),
        "queue-sidecar-memory-request": ("64Mi", "some"),
        "queue-sidecar-memory-limit": ("256Mi", "more"),
        "queue-sidecar-ephemeral-storage-request": ("64Mi", "disk"),
        "queue-sidecar-ephemeral-storage-limit": ("1Gi", "bigger disk"),
        "queue-sidecar-token-audiences": ("service-x,service-y", {"a": 1}),
        "queue-sidecar-rootca": ("-----BEGIN CERTIFICATE-----", ["ca"]),
        "queue-sidecar-tls-min-version": ("1.2", "1.1"),
        "queue-sidecar-tls-max-version": ("1.3", "2.0"),
        "queue-sidecar-tls-cipher-suites": ("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", ["x"]),
        "queue-sidecar-tls-curve-preferences": ("X25519", ["y"]),
        "runtime-class-name": ("kata: {}", {"kata": {}}),
        "pod-is-always-schedulable": ("true", "always"),
        "default-affinity-type": ("none", "spread-everything"),
        "queue-sidecar-image": (None, "registry.example.com/queue:1"),  # knstack sets it
    },
    "domain": {
        "coffee.example.com": ("", None),
        "internal.example.com": ({"selector": {"app": "internal"}}, None),
        "Not_A_Domain": (None, ""),
    },
    "gc": {
        "retain-since-create-time": ("disabled", "two days"),
        "retain-since-last-active-time": ("24h", "-1h"),
        "min-non-active-revisions": ("5", "-1"),
        "max-non-active-revisions": ("disabled", "10"),  # 10 < min-non-active-revisions (20)
    },
    "leader-election": {
        "lease-duration": ("30s", "0s"),
        "renew-deadline": ("20s", "soon"),
        "retry-period": ("5s", "-5s"),
        "buckets": ("3", "11"),
    },
    "logging": {
        "zap-logger-config": ('{"level": "debug"}', "{not json"),
        **{f"loglevel.{component}": ("debug", "verbose") for component in COMPONENTS},
    },
    "network": {
        "certificate-class": ("cert-manager.certificate.networking.knative.dev", ["x"]),
        "namespace-wildcard-cert-selector": ("{}", {"matchLabels": {}}),
        "domain-template": ("{{.Name}}-{{.Namespace}}.{{.Domain}}", "{{.Namespace}}.{{.Domain}}"),
        "tag-template": ("{{.Name}}-{{.Tag}}", "{{.Tag}}"),
        "auto-tls": ("Enabled", "Sometimes"),
        "external-domain-tls": ("enabled", "yes"),
        "cluster-local-domain-tls": ("Enabled", "On"),
        "internal-encryption": ("true", "encrypted"),
        "system-internal-tls": ("Enabled", "Partial"),
        "http-protocol": ("Redirected", "Forwarded"),
        "rollout-duration": ("120", "-10"),
        "autocreate-cluster-domain-claims": ("true", "auto"),
        "enable-mesh-pod-addressability": ("true", "mesh"),
        "mesh-compatibility-mode": ("enabled", "istio"),
        "default-external-scheme": ("https", "ftp"),
        "ingress-class": (None, "istio.ingress.networking.knative.dev"),  # knstack sets it
    },
    "observability": {
        "logging.enable-var-log-collection": ("true", "collect"),
        "logging.revision-url-template": ("http://logs/?rev=${REVISION_UID}", ["x"]),
        "logging.request-log-template": ('{"status": {{.Response.Code}}}', {"x": 1}),
        "logging.enable-request-log": ("true", "log"),
        "logging.enable-probe-request-log": ("false", "probe"),
        "metrics-protocol": ("prometheus", "statsd"),
        "metrics-endpoint": (
            With("0.0.0.0:9090", {"metrics-protocol": "prometheus"}),
            "http://otel:4318",
        ),
        "metrics-export-interval": ("30s", "every minute"),
        "request-metrics-protocol": ("none", "carrier-pigeon"),
        "request-metrics-endpoint": (
            With("otel:4317", {"request-metrics-protocol": "grpc"}),
            "http://otel:4318",
        ),
        "request-metrics-export-interval": ("30s", "often"),
        "runtime-profiling": ("enabled", "profiled"),
        "tracing-protocol": ("stdout", "zipkin"),
        "tracing-endpoint": ("", ["x"]),
        "tracing-sampling-rate": ("0.1", "1.5"),
    },
    "kourier": {
        "enable-service-access-logging": ("false", "logging"),
        "service-access-log-template": ("%REQ(:METHOD)%", ["x"]),
        "enable-proxy-protocol": ("true", "proxy"),
        "cluster-cert-secret": ("internal-tls", {"x": 1}),
        "stream-idle-timeout": ("5m", "-1s"),
        "enable-cryptomb": ("true", "crypto"),
        "trusted-hops-count": ("2", "-1"),
        "use-remote-address": ("true", "remote"),
        "cipher-suites": ("ECDHE-ECDSA-AES128-GCM-SHA256", ["x"]),
        "disable-envoy-server-header": ("true", "hidden"),
        "extauthz-host": ("auth:2222", ["x"]),
        "extauthz-protocol": ("https", "smtp"),
        "extauthz-failure-mode-allow": ("true", "open"),
        "extauthz-max-request-body-bytes": ("16384", "-1"),
        "extauthz-timeout": ("500", "fast"),
        "extauthz-path-prefix": ("/verify", ["x"]),
        "extauthz-pack-as-byte": ("true", "bytes"),
        "certs-secret-name": ("kourier-tls", ["x"]),
        "certs-secret-namespace": ("kourier-system", ["x"]),
        "tracing-endpoint": ("http://otel:4317", ["x"]),
        "tracing-protocol": ("http/protobuf", "zipkin"),
        "tracing-sampling-rate": ("0.5", "2"),
        "tracing-service-name": ("gateway", ["x"]),
    },
    "features": {
        **{
            key: ("allowed", "on")
            for key in FeaturesConfig.key_names()
            if key != "secure-pod-defaults"
        },
        "secure-pod-defaults": ("AllowRootBounded", "allowed"),
    },
}
# Keys knstack derives from other settings: rejected in knative.config whatever the value.
DERIVED = {("deployment", "queue-sidecar-image"), ("network", "ingress-class")}


def _settings(configmap: str, key: str, value: Any) -> Any:
    entries = {**value.others, key: value.value} if isinstance(value, With) else {key: value}
    return parse_settings({"knstack:knative": {"config": {configmap: entries}}}, STACK_FILE, "lab")


def _cases(which: int) -> list[tuple[str, str, Any]]:
    return [
        (cm, key, pair[which])
        for cm, keys in CASES.items()
        for key, pair in keys.items()
        if pair[which] is not None
    ]


def test_every_option_has_a_case() -> None:
    config = ServingConfig()
    for model in [*config.serving_configmaps(), config.kourier]:
        short = model.configmap.removeprefix("config-")
        if short in ("domain", "tracing"):  # keyed by domain name / no keys
            continue
        assert set(CASES[short]) == set(type(model).key_names()), short


@pytest.mark.parametrize(("configmap", "key", "value"), _cases(0), ids=lambda v: str(v)[:40])
def test_good_value_is_installed_as_a_top_level_key(configmap: str, key: str, value: Any) -> None:
    settings = _settings(configmap, key, value)
    model = getattr(settings.knative.config, configmap.replace("-", "_"))
    data = model.data()
    assert key in data
    assert isinstance(data[key], str)
    value = value.value if isinstance(value, With) else value
    if isinstance(value, str) and configmap not in ("features",):
        assert data[key].lower() == value.lower() or yaml.safe_load(data[key]) == yaml.safe_load(
            value
        )


@pytest.mark.parametrize(("configmap", "key", "value"), _cases(1), ids=lambda v: str(v)[:40])
def test_bad_value_is_rejected_naming_the_stack_file_and_key(
    configmap: str, key: str, value: Any
) -> None:
    with pytest.raises(InputError) as caught:
        _settings(configmap, key, value)
    text = str(caught.value)
    assert STACK_FILE in text
    if (configmap, key) in DERIVED:  # rejected as a whole: set from other settings
        assert 'config."knstack:knative".config' in text and f"config.{configmap}.{key}" in text
        return
    assert f'config."knstack:knative".config.{configmap}' in text
    if configmap != "domain":
        assert key in text


def test_unknown_key_is_rejected() -> None:
    with pytest.raises(InputError) as caught:
        _settings("autoscaler", "stable-windows", "60s")
    problem = caught.value.problems[0]
    assert problem.file == STACK_FILE
    assert problem.field == 'config."knstack:knative".config.autoscaler.stable-windows'
    assert "unknown setting" in problem.message


def test_configmap_names_with_or_without_prefix() -> None:
    short = _settings("autoscaler", "stable-window", "90s")
    long = _settings("config-autoscaler", "stable-window", "90s")
    assert short.knative.config.autoscaler == long.knative.config.autoscaler
    assert short.knative.config.autoscaler.stable_window == "90s"


def test_checksum_matches_the_upstream_annotations(upstream_dir: Path) -> None:
    """knative.dev/pkg's algorithm: the upstream ConfigMaps carry its result as annotation."""
    files = sorted((upstream_dir / "knative-serving/config/core/configmaps").glob("*.yaml"))
    assert len(files) == 12
    for file in files:
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
        assert (
            example_checksum(doc["data"]["_example"])
            == doc["metadata"]["annotations"]["knative.dev/example-checksum"]
        ), file.name


def test_checksum_changes_with_the_example_and_ignores_blank_lines() -> None:
    assert example_checksum("a: 1\n\n\nb: 2\n") == example_checksum("  a: 1\nb: 2")
    assert example_checksum("a: 1\nb: 2") != example_checksum("a: 1\nb: 3")


def test_serving_context_follows_the_config() -> None:
    settings = parse_settings(
        {
            "knstack:knative": {
                "config": {
                    "features": {"kubernetes.podspec-affinity": "enabled"},
                    "defaults": {
                        "revision-timeout-seconds": 100,
                        "max-revision-timeout-seconds": 200,
                    },
                    "autoscaler": {
                        "max-scale-limit": 50,
                        "max-scale": 10,
                        "container-concurrency-target-percentage": "0.8",
                    },
                }
            }
        },
        STACK_FILE,
        "lab",
    )
    ctx = settings.serving_context()
    assert ctx.feature_on("kubernetes.podspec-affinity")
    assert not ctx.feature_on("kubernetes.podspec-nodeselector")
    assert ctx.max_revision_timeout_seconds == 200
    assert ctx.max_scale_limit == 50
    assert ctx.container_concurrency_target_percentage == pytest.approx(80.0)
    assert settings.features["kubernetes.podspec-affinity"] == "enabled"
