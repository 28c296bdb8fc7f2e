#!/usr/bin/env python3
"""Print what the generated Knative control plane costs to run: pods and resource requests.

Counts come from knstack's own install (the same `build_platform` the renderer uses), at
the replicas it starts with (an HPA's minimum) and at the HPAs' maximum.

    .venv/bin/python scripts/knative_footprint.py
"""

from __future__ import annotations

from typing import Any

from knstack.expand.platform import build_platform
from knstack.resolve.model import ServingPlan
from knstack.stack.knative import GatewayApiSettings, HighAvailability, KnativeSettings
from knstack.stack.settings import StackSettings, effective_cluster_settings

GATEWAY_API = GatewayApiSettings(
    gateway_class="istio", local_gateway="istio-system/knative-local-gateway"
)
_UNITS = {"m": 0.001, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "M": 10**6, "G": 10**9}


def quantity(text: str) -> float:
    for suffix, factor in sorted(_UNITS.items(), key=lambda kv: -len(kv[0])):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text)


def footprint(knative: KnativeSettings) -> dict[str, Any]:
    stack = StackSettings(knative=knative)
    manifests = build_platform(
        ServingPlan((), (), ()), effective_cluster_settings("footprint", stack, stack.clusters[0])
    )
    hpas = {
        m["spec"]["scaleTargetRef"]["name"]: m["spec"]
        for m in manifests
        if m["kind"] == "HorizontalPodAutoscaler"
    }
    pods_min = pods_max = 0
    cpu = memory = cpu_limit = memory_limit = 0.0
    deployments = [m for m in manifests if m["kind"] == "Deployment"]
    for deployment in deployments:
        name = deployment["metadata"]["name"]
        low = hpas[name]["minReplicas"] if name in hpas else deployment["spec"].get("replicas", 1)
        high = hpas[name]["maxReplicas"] if name in hpas else low
        pods_min, pods_max = pods_min + low, pods_max + high
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            resources = container.get("resources", {})
            cpu += low * quantity(resources.get("requests", {}).get("cpu", "0"))
            memory += low * quantity(resources.get("requests", {}).get("memory", "0"))
            cpu_limit += low * quantity(resources.get("limits", {}).get("cpu", "0"))
            memory_limit += low * quantity(resources.get("limits", {}).get("memory", "0"))
    return {
        "objects": len(manifests),
        "deployments": len(deployments),
        "pods": f"{pods_min}-{pods_max}",
        "cpu requests": f"{cpu * 1000:.0f}m",
        "memory requests": f"{memory / 2**20:.0f}Mi",
        "cpu limits": f"{cpu_limit * 1000:.0f}m",
        "memory limits": f"{memory_limit / 2**20:.0f}Mi",
    }


def main() -> None:
    variants = {
        "kourier": KnativeSettings(install=True),
        "kourier + hpa": KnativeSettings(install=True, hpa_autoscaler=True),
        "kourier, HA 2": KnativeSettings(
            install=True, high_availability=HighAvailability(replicas=2)
        ),
        "gateway-api": KnativeSettings(
            install=True, networking="gateway-api", gateway_api=GATEWAY_API
        ),
    }
    rows = {name: footprint(knative) for name, knative in variants.items()}
    columns = list(next(iter(rows.values())))
    print("| install | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name, row in rows.items():
        print(f"| {name} | " + " | ".join(str(row[c]) for c in columns) + " |")


if __name__ == "__main__":
    main()
