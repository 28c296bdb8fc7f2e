"""Kourier: an Envoy gateway programmed by the net-kourier controller (knative-extensions net-kourier and net-gateway-api config/).

The controller runs in knative-serving; the gateway (3scale-kourier-gateway) in
kourier-system behind the `kourier` Service (external, LoadBalancer by default) and
`kourier-internal` (cluster-local routes).
"""

from __future__ import annotations

import copy
from typing import Any

from knstack.api.configmaps import KourierConfig
from knstack.expand.platform.common import (
    SYSTEM_NAMESPACE,
    Install,
    env_from_field,
    hpa,
    metadata,
    pdb,
    resources,
)
from knstack.expand.platform.configmaps import build_configmap
from knstack.expand.platform.namespace import build_system_namespace
from knstack.expand.platform.networking.kourier_bootstrap import bootstrap_yaml
from knstack.expand.platform.rbac import CRUD, RBAC, READ, rule
from knstack.expand.result import Manifest
from knstack.vocabulary import KNATIVE_CONTAINER_SECURITY

GATEWAY_NAMESPACE = "kourier-system"
GATEWAY = "3scale-kourier-gateway"
CONTROLLER = "net-kourier-controller"
DRAIN_SECONDS = "15"
_SURGE = {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0, "maxSurge": "100%"}}


def kourier_labels(install: Install) -> dict[str, str]:
    return install.labels("net-kourier", **{"networking.knative.dev/ingress-provider": "kourier"})


def build_kourier(install: Install, config: KourierConfig) -> list[Manifest]:
    labels = kourier_labels(install)
    return [
        build_system_namespace(install, GATEWAY_NAMESPACE, labels),
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": metadata("kourier-bootstrap", GATEWAY_NAMESPACE, labels),
            "data": {"envoy-bootstrap.yaml": bootstrap_yaml()},
        },
        build_configmap(install, config, labels),
        *_controller_rbac(labels),
        _controller(install, labels),
        _service(
            CONTROLLER,
            SYSTEM_NAMESPACE,
            labels,
            {"app": CONTROLLER},
            [("grpc-xds", 18000, 18000), ("http-metrics", 9090, 9090)],
            "ClusterIP",
        ),
        _gateway(install, labels),
        _service(
            "kourier",
            GATEWAY_NAMESPACE,
            labels,
            {"app": GATEWAY},
            [("http2", 80, 8080), ("https", 443, 8443)],
            install.knative.kourier.service_type,
        ),
        _service(
            "kourier-internal",
            GATEWAY_NAMESPACE,
            labels,
            {"app": GATEWAY},
            [("http2", 80, 8081), ("https", 443, 8444)],
            "ClusterIP",
        ),
        hpa(GATEWAY, GATEWAY_NAMESPACE, labels, 1, 10),
        pdb(f"{GATEWAY}-pdb", GATEWAY_NAMESPACE, labels, GATEWAY),
    ]


def _controller_rbac(labels: dict[str, str]) -> list[Manifest]:
    """The controller's service account and what it may read and write cluster-wide."""
    return [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": metadata("net-kourier", SYSTEM_NAMESPACE, labels),
        },
        {
            "apiVersion": RBAC,
            "kind": "ClusterRole",
            "metadata": metadata("net-kourier", None, labels),
            "rules": _controller_rules(),
        },
        {
            "apiVersion": RBAC,
            "kind": "ClusterRoleBinding",
            "metadata": metadata("net-kourier", None, labels),
            "roleRef": {
                "apiGroup": "rbac.authorization.k8s.io",
                "kind": "ClusterRole",
                "name": "net-kourier",
            },
            "subjects": [
                {"kind": "ServiceAccount", "name": "net-kourier", "namespace": SYSTEM_NAMESPACE}
            ],
        },
    ]


def _controller_rules() -> list[dict[str, Any]]:
    return [
        rule([""], ["events"], ["create", "update", "patch"]),
        rule([""], ["pods", "services", "secrets"], READ),
        rule([""], ["configmaps"], READ),
        rule(["discovery.k8s.io"], ["endpointslices"], READ),
        rule(["coordination.k8s.io"], ["leases"], CRUD),
        rule(["networking.internal.knative.dev"], ["ingresses"], [*READ, "patch"]),
        rule(["networking.internal.knative.dev"], ["ingresses/status"], ["update"]),
    ]


def _service(
    name: str,
    namespace: str,
    labels: dict[str, str],
    selector: dict[str, str],
    items: list[tuple[str, int, int]],
    service_type: str,
) -> Manifest:
    port_list = [{"name": n, "port": p, "protocol": "TCP", "targetPort": t} for n, p, t in items]
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(name, namespace, labels),
        "spec": {"ports": port_list, "selector": selector, "type": service_type},
    }


def _tcp_ports(*items: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"name": name, "containerPort": port, "protocol": "TCP"} for name, port in items]


def _controller(install: Install, labels: dict[str, str]) -> Manifest:
    env = [
        # Certificates may also come from config-kourier, which wins over these.
        {"name": "CERTS_SECRET_NAMESPACE", "value": ""},
        {"name": "CERTS_SECRET_NAME", "value": ""},
        env_from_field("SYSTEM_NAMESPACE", "metadata.namespace"),
        {"name": "METRICS_DOMAIN", "value": "knative.dev/samples"},
        {"name": "KOURIER_GATEWAY_NAMESPACE", "value": GATEWAY_NAMESPACE},
        {"name": "ENABLE_SECRET_INFORMER_FILTERING_BY_CERT_UID", "value": "false"},
        # A higher client rate limit shortens startup and ingress reconciliation.
        {"name": "KUBE_API_BURST", "value": "200"},
        {"name": "KUBE_API_QPS", "value": "200"},
    ]
    container = {
        "image": install.image("net-kourier-controller"),
        "name": "controller",
        "env": env,
        "ports": _tcp_ports(("http2-xds", 18000), ("metrics", 9090)),
        "readinessProbe": {"grpc": {"port": 18000}, "periodSeconds": 10, "failureThreshold": 3},
        "livenessProbe": {"grpc": {"port": 18000}, "periodSeconds": 10, "failureThreshold": 6},
        "securityContext": copy.deepcopy(KNATIVE_CONTAINER_SECURITY),
        "resources": resources(("200m", "200Mi"), ("1", "500Mi")),
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(CONTROLLER, SYSTEM_NAMESPACE, labels),
        "spec": {
            "strategy": copy.deepcopy(_SURGE),
            "replicas": 1,
            "selector": {"matchLabels": {"app": CONTROLLER}},
            "template": {
                "metadata": {
                    "annotations": {
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": "9090",
                        "prometheus.io/path": "/metrics",
                    },
                    "labels": {"app": CONTROLLER},
                },
                "spec": {
                    "containers": [container],
                    "restartPolicy": "Always",
                    "serviceAccountName": "net-kourier",
                },
            },
        },
    }


def _gateway_container(install: Install) -> dict[str, Any]:
    """Envoy with the bootstrap mounted, draining its listeners before it stops."""
    probe_get = {
        "httpHeaders": [{"name": "Host", "value": "internalkourier"}],
        "path": "/ready",
        "port": 8081,
        "scheme": "HTTP",
    }
    timing = {"initialDelaySeconds": 10, "periodSeconds": 5, "timeoutSeconds": 3}
    security = dict(copy.deepcopy(KNATIVE_CONTAINER_SECURITY))
    security.update({"readOnlyRootFilesystem": False, "runAsUser": 65534, "runAsGroup": 65534})
    return {
        "args": [
            "--base-id 1",
            "-c /tmp/config/envoy-bootstrap.yaml",
            "--log-level info",
            "--drain-time-s $(DRAIN_TIME_SECONDS)",
            "--drain-strategy immediate",
        ],
        "command": ["/usr/local/bin/envoy"],
        "env": [{"name": "DRAIN_TIME_SECONDS", "value": DRAIN_SECONDS}],
        "image": install.image("kourier-gateway"),
        "name": "kourier-gateway",
        "ports": _tcp_ports(
            ("http2-external", 8080),
            ("http2-internal", 8081),
            ("https-external", 8443),
            ("http-probe", 8090),
            ("https-probe", 9443),
            ("metrics", 9000),
        ),
        "securityContext": security,
        "volumeMounts": [{"name": "config-volume", "mountPath": "/tmp/config"}],
        # Drain listeners gracefully before the pod goes away.
        "lifecycle": {
            "preStop": {
                "exec": {
                    "command": [
                        "/bin/sh",
                        "-c",
                        "curl -X POST http://localhost:9901/drain_listeners?graceful; sleep "
                        "$DRAIN_TIME_SECONDS",
                    ]
                }
            }
        },
        "readinessProbe": {"httpGet": copy.deepcopy(probe_get), **timing, "failureThreshold": 3},
        "livenessProbe": {"httpGet": copy.deepcopy(probe_get), **timing, "failureThreshold": 6},
        "resources": resources(("200m", "200Mi"), ("1", "800Mi")),
    }


def _gateway(install: Install, labels: dict[str, str]) -> Manifest:
    container = _gateway_container(install)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(GATEWAY, GATEWAY_NAMESPACE, labels),
        "spec": {
            "strategy": copy.deepcopy(_SURGE),
            "selector": {"matchLabels": {"app": GATEWAY}},
            "template": {
                "metadata": {
                    "labels": {"app": GATEWAY},
                    "annotations": {
                        # Restarted the pods when Kourier moved to the Envoy v3 API.
                        "networking.knative.dev/poke": "v0.26",
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": "9000",
                        "prometheus.io/path": "/stats/prometheus",
                    },
                },
                "spec": {
                    "containers": [container],
                    # Longer than DRAIN_TIME_SECONDS, so draining completes.
                    "terminationGracePeriodSeconds": 30,
                    "volumes": [
                        {"name": "config-volume", "configMap": {"name": "kourier-bootstrap"}}
                    ],
                    "restartPolicy": "Always",
                },
            },
        },
    }
