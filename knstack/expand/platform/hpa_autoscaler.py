"""autoscaler-hpa: serves revisions of the HPA class (config/hpa-autoscaling, knative/serving pkg/reconciler/autoscaling/hpa/resources/hpa.go)."""

from __future__ import annotations

from knstack.expand.platform.common import (
    SYSTEM_NAMESPACE,
    Install,
    container,
    http_probe,
    knative_deployment,
    ports,
    service,
    service_ports,
    system_env,
)
from knstack.expand.platform.controller import METRICS_PORTS
from knstack.expand.result import Manifest

PROVIDER_LABEL = "autoscaling.knative.dev/autoscaler-provider"


def build_hpa_autoscaler(install: Install) -> list[Manifest]:
    main = container(
        "autoscaler-hpa",
        install.image("autoscaler-hpa"),
        system_env(),
        ports(("metrics", 9090), ("profiling", 8008), ("probes", 8080)),
        ("30m", "40Mi"),
        ("300m", "400Mi"),
        livenessProbe=http_probe(
            "probes", path="/health", scheme="HTTP", periodSeconds=5, failureThreshold=5
        ),
        readinessProbe=http_probe(
            "probes", path="/readiness", scheme="HTTP", periodSeconds=5, failureThreshold=5
        ),
    )
    labels = {PROVIDER_LABEL: "hpa", **install.labels("autoscaler-hpa")}
    return [
        knative_deployment(install, "autoscaler-hpa", "autoscaler-hpa", main, labels=labels),
        service(
            "autoscaler-hpa",
            SYSTEM_NAMESPACE,
            {"app": "autoscaler-hpa", **labels},
            {"app": "autoscaler-hpa"},
            service_ports(*METRICS_PORTS),
        ),
    ]
