"""The controller: reconciles Services, Configurations, Routes and Revisions (knative/serving config/core/deployments/)."""

from __future__ import annotations

from knstack.expand.platform.common import (
    SYSTEM_NAMESPACE,
    Install,
    container,
    env_from_field,
    http_probe,
    knative_deployment,
    ports,
    service,
    service_ports,
    system_env,
)
from knstack.expand.result import Manifest

METRICS_PORTS = (("http-metrics", 9090, 9090), ("http-profiling", 8008, 8008))


def build_controller(install: Install) -> list[Manifest]:
    main = container(
        "controller",
        install.image("controller"),
        [env_from_field("POD_NAME", "metadata.name"), *system_env()],
        ports(("metrics", 9090), ("profiling", 8008), ("probes", 8080)),
        ("100m", "100Mi"),
        ("1000m", "1000Mi"),
        livenessProbe=http_probe(
            "probes", path="/health", scheme="HTTP", periodSeconds=5, failureThreshold=6
        ),
        readinessProbe=http_probe(
            "probes", path="/readiness", scheme="HTTP", periodSeconds=5, failureThreshold=3
        ),
    )
    labels = install.labels("controller")
    return [
        knative_deployment(install, "controller", "controller", main),
        service(
            "controller",
            SYSTEM_NAMESPACE,
            {"app": "controller", **labels},
            {"app": "controller"},
            service_ports(*METRICS_PORTS),
        ),
    ]
