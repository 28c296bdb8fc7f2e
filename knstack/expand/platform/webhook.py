"""The webhook: defaults and validates Knative objects and ConfigMaps (knative/serving config/core/deployments/)."""

from __future__ import annotations

from typing import Any

from knstack.expand.platform.common import (
    SYSTEM_NAMESPACE,
    Install,
    container,
    env_from_field,
    hpa,
    http_probe,
    knative_deployment,
    metadata,
    pdb,
    ports,
    service,
    service_ports,
    system_env,
)
from knstack.expand.platform.controller import METRICS_PORTS
from knstack.expand.result import Manifest
from knstack.vocabulary import COMPONENT_LABEL, NAME_LABEL

ADMISSION = "admissionregistration.k8s.io/v1"
# Resources the webhook defaults (CREATE, UPDATE) and validates (also DELETE).
RESOURCE_GROUPS = [
    "autoscaling.internal.knative.dev",
    "networking.internal.knative.dev",
    "serving.knative.dev",
]
RESOURCES = [
    "metrics",
    "podautoscalers",
    "certificates",
    "ingresses",
    "serverlessservices",
    "configurations",
    "revisions",
    "routes",
    "services",
    "domainmappings",
    "domainmappings/status",
]
# Components whose ConfigMaps the config webhook validates.
CONFIG_COMPONENTS = [
    "autoscaler",
    "controller",
    "logging",
    "networking",
    "observability",
    "tracing",
    "net-certmanager",
]


def build_webhook(install: Install) -> list[Manifest]:
    main = container(
        "webhook",
        install.image("webhook"),
        [
            env_from_field("POD_NAME", "metadata.name"),
            *system_env(),
            {"name": "WEBHOOK_NAME", "value": "webhook"},
            {"name": "WEBHOOK_PORT", "value": "8443"},
        ],
        ports(("metrics", 9090), ("profiling", 8008), ("https-webhook", 8443)),
        ("100m", "100Mi"),
        ("500m", "500Mi"),
        readinessProbe=http_probe(8443, scheme="HTTPS", periodSeconds=1),
        livenessProbe=http_probe(
            8443, scheme="HTTPS", periodSeconds=10, failureThreshold=6, initialDelaySeconds=20
        ),
    )
    labels = install.labels("webhook")
    selector = {"app": "webhook", "role": "webhook"}
    return [
        knative_deployment(
            install,
            "webhook",
            "webhook",
            main,
            selector=selector,
            pod_extra={"terminationGracePeriodSeconds": 300},  # room for lame-duck draining
        ),
        service(
            "webhook",
            SYSTEM_NAMESPACE,
            {**selector, **labels},
            selector,
            service_ports(*METRICS_PORTS, ("https-webhook", 443, 8443)),
        ),
        hpa("webhook", SYSTEM_NAMESPACE, labels, 1, 5),
        pdb("webhook-pdb", SYSTEM_NAMESPACE, labels, "webhook"),
        # Filled with the serving certificate by the webhook itself; no secret data is rendered.
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": metadata("webhook-certs", SYSTEM_NAMESPACE, labels),
        },
        _webhook_configuration(
            install,
            "MutatingWebhookConfiguration",
            "webhook.serving.knative.dev",
            ["CREATE", "UPDATE"],
        ),
        _webhook_configuration(
            install,
            "ValidatingWebhookConfiguration",
            "validation.webhook.serving.knative.dev",
            ["CREATE", "UPDATE", "DELETE"],
        ),
        _config_validation(install),
    ]


def _hook(name: str, **rest: Any) -> dict[str, Any]:
    return {
        "admissionReviewVersions": ["v1", "v1beta1"],
        "clientConfig": {"service": {"name": "webhook", "namespace": SYSTEM_NAMESPACE}},
        "failurePolicy": "Fail",
        "sideEffects": "None",
        "name": name,
        "timeoutSeconds": 10,
        **rest,
    }


def _webhook_configuration(
    install: Install, kind: str, name: str, operations: list[str]
) -> Manifest:
    rules = [
        {
            "apiGroups": RESOURCE_GROUPS,
            "apiVersions": ["*"],
            "operations": operations,
            "scope": "*",
            "resources": RESOURCES,
        }
    ]
    return {
        "apiVersion": ADMISSION,
        "kind": kind,
        "metadata": metadata(name, None, install.labels("webhook")),
        "webhooks": [_hook(name, rules=rules)],
    }


def _config_validation(install: Install) -> Manifest:
    selector = {
        "matchExpressions": [
            {"key": NAME_LABEL, "operator": "In", "values": ["knative-serving"]},
            {"key": COMPONENT_LABEL, "operator": "In", "values": CONFIG_COMPONENTS},
        ]
    }
    name = "config.webhook.serving.knative.dev"
    return {
        "apiVersion": ADMISSION,
        "kind": "ValidatingWebhookConfiguration",
        "metadata": metadata(name, None, install.labels("webhook")),
        "webhooks": [_hook(name, objectSelector=selector)],
    }
