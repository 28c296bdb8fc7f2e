"""The activator: buffers requests for revisions scaled to zero (knative/serving pkg/autoscaler/scaling/autoscaler.go; knative/serving config/core/deployments/)."""

from __future__ import annotations

from knstack.expand.platform.common import (
    SYSTEM_NAMESPACE,
    Install,
    container,
    env_from_field,
    hpa,
    http_probe,
    knative_deployment,
    pdb,
    ports,
    service,
    service_ports,
    system_env,
)
from knstack.expand.platform.controller import METRICS_PORTS
from knstack.expand.result import Manifest

# At least the longest revision timeout, so draining never cuts a request short.
TERMINATION_GRACE_SECONDS = 600


def build_activator(install: Install) -> list[Manifest]:
    main = container(
        "activator",
        install.image("activator"),
        [
            {"name": "GOGC", "value": "500"},  # collect garbage when new memory reaches 500%
            env_from_field("POD_NAME", "metadata.name"),
            env_from_field("POD_IP", "status.podIP"),
            *system_env(),
        ],
        ports(("metrics", 9090), ("profiling", 8008), ("http1", 8012), ("h2c", 8013)),
        ("300m", "60Mi"),
        ("1000m", "600Mi"),
        readinessProbe=http_probe(8012, periodSeconds=5, failureThreshold=5),
        livenessProbe=http_probe(
            8012, periodSeconds=10, failureThreshold=12, initialDelaySeconds=15
        ),
    )
    labels = install.labels("activator")
    return [
        knative_deployment(
            install,
            "activator",
            "activator",
            main,
            service_account="activator",
            selector={"app": "activator", "role": "activator"},
            pod_extra={"terminationGracePeriodSeconds": TERMINATION_GRACE_SECONDS},
        ),
        service(
            "activator-service",
            SYSTEM_NAMESPACE,
            {"app": "activator", **labels},
            {"app": "activator"},
            service_ports(
                *METRICS_PORTS, ("http", 80, 8012), ("http2", 81, 8013), ("https", 443, 8112)
            ),
            service_type="ClusterIP",
        ),
        hpa("activator", SYSTEM_NAMESPACE, labels, 1, 20),
        pdb("activator-pdb", SYSTEM_NAMESPACE, labels, "activator"),
    ]
