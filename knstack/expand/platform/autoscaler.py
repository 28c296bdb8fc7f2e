"""The autoscaler: the KPA, scaling revisions on requests, to zero (knative/serving pkg/autoscaler/scaling/autoscaler.go; knative/serving config/core/deployments/)."""

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
from knstack.expand.platform.controller import METRICS_PORTS
from knstack.expand.result import Manifest


def build_autoscaler(install: Install) -> list[Manifest]:
    main = container(
        "autoscaler",
        install.image("autoscaler"),
        [
            env_from_field("POD_NAME", "metadata.name"),
            env_from_field("POD_IP", "status.podIP"),
            *system_env(),
        ],
        ports(("metrics", 9090), ("profiling", 8008), ("websocket", 8080)),
        ("100m", "100Mi"),
        ("1000m", "1000Mi"),
        readinessProbe=http_probe(8080),
        livenessProbe=http_probe(8080, failureThreshold=6),
    )
    # One replica unless made highly available; never fewer than asked while rolling.
    extra = {
        "replicas": 1,
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 0}},
    }
    labels = install.labels("autoscaler")
    return [
        knative_deployment(install, "autoscaler", "autoscaler", main, extra=extra),
        service(
            "autoscaler",
            SYSTEM_NAMESPACE,
            {"app": "autoscaler", **labels},
            {"app": "autoscaler"},
            service_ports(*METRICS_PORTS, ("http", 8080, 8080)),
        ),
    ]
