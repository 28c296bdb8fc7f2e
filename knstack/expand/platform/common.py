"""What every object of the Knative install shares: labels, images, security, placement.

The install follows the upstream release manifests of the pinned version (knative/serving config/core/); each
component module builds its objects with these helpers, and `apply_workload_settings`
applies the environment's high-availability and placement overrides (knative/operator pkg/reconciler/common/ha.go).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from knstack.expand.result import Manifest
from knstack.stack.knative import IMAGES, KNATIVE_RELEASES, KnativeSettings, WorkloadSettings
from knstack.vocabulary import (
    COMPONENT_LABEL,
    KNATIVE_CONTAINER_SECURITY,
    NAME_LABEL,
    VERSION_LABEL,
)

SYSTEM_NAMESPACE = "knative-serving"


@dataclass(frozen=True)
class Install:
    """The install settings every builder reads."""

    knative: KnativeSettings

    @property
    def version(self) -> str:
        return self.knative.version

    def labels(self, component: str | None = None, **extra: str) -> dict[str, str]:
        """Knative's standard labels (component first when given), then `extra`."""
        out: dict[str, str] = {}
        if component is not None:
            out[COMPONENT_LABEL] = component
        out[NAME_LABEL] = "knative-serving"
        out[VERSION_LABEL] = self.version
        out.update(extra)
        return out

    def image(self, name: str) -> str:
        """The pinned reference of one image: mirror, release tag and digest where known."""
        images = self.knative.images
        if name in images.overrides:
            return images.overrides[name]
        source = IMAGES[name]
        registry = images.registry or source.registry
        reference = f"{registry}/{source.repository}:{source.tag or 'v' + self.version}"
        digest = images.digests.get(name)
        return f"{reference}@{digest}" if digest else reference


def metadata(
    name: str,
    namespace: str | None,
    labels: dict[str, str],
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace is not None:
        meta["namespace"] = namespace
    meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    return meta


def env_from_field(name: str, path: str) -> dict[str, Any]:
    return {"name": name, "valueFrom": {"fieldRef": {"fieldPath": path}}}


def system_env() -> list[dict[str, Any]]:
    """SYSTEM_NAMESPACE and the logging/observability ConfigMap names every component reads."""
    return [
        env_from_field("SYSTEM_NAMESPACE", "metadata.namespace"),
        {"name": "CONFIG_LOGGING_NAME", "value": "config-logging"},
        {"name": "CONFIG_OBSERVABILITY_NAME", "value": "config-observability"},
    ]


def ports(*items: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"name": name, "containerPort": port} for name, port in items]


def service_ports(*items: tuple[str, int, int | str]) -> list[dict[str, Any]]:
    return [{"name": name, "port": port, "targetPort": target} for name, port, target in items]


def spread_over_nodes(app: str) -> dict[str, Any]:
    """Knative's preferred anti-affinity: replicas of one component on different nodes."""
    return {
        "podAntiAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "podAffinityTerm": {
                        "labelSelector": {"matchLabels": {"app": app}},
                        "topologyKey": "kubernetes.io/hostname",
                    },
                    "weight": 100,
                }
            ]
        }
    }


def resources(requests: tuple[str, str], limits: tuple[str, str]) -> dict[str, Any]:
    return {
        "requests": {"cpu": requests[0], "memory": requests[1]},
        "limits": {"cpu": limits[0], "memory": limits[1]},
    }


def service(
    name: str,
    namespace: str,
    labels: dict[str, str],
    selector: dict[str, str],
    port_list: list[dict[str, Any]],
    service_type: str | None = None,
) -> Manifest:
    spec: dict[str, Any] = {"ports": port_list, "selector": selector}
    if service_type is not None:
        spec["type"] = service_type
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(name, namespace, labels),
        "spec": spec,
    }


def hpa(name: str, namespace: str, labels: dict[str, str], minimum: int, maximum: int) -> Manifest:
    """A CPU HPA at 100% of the request, as Knative gives its data-plane components."""
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": metadata(name, namespace, labels),
        "spec": {
            "minReplicas": minimum,
            "maxReplicas": maximum,
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 100},
                    },
                }
            ],
        },
    }


def pdb(name: str, namespace: str, labels: dict[str, str], app: str) -> Manifest:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": metadata(name, namespace, labels),
        "spec": {"minAvailable": "80%", "selector": {"matchLabels": {"app": app}}},
    }


def apply_workload_settings(manifests: list[Manifest], knative: KnativeSettings) -> list[Manifest]:
    """High availability and per-workload overrides, as the Knative Operator applies them.

    `highAvailability.replicas` sets the replicas of Deployments without an HPA and raises
    an HPA's minimum to it (and its maximum by the same amount); a workload's own `replicas`
    wins over it. Placement and resources replace the defaults of the named Deployment.
    """
    out = copy.deepcopy(manifests)
    overrides = {w.name: w for w in knative.workloads}
    hpas = {
        (m["metadata"]["namespace"], m["spec"]["scaleTargetRef"]["name"]): m
        for m in out
        if m["kind"] == "HorizontalPodAutoscaler"
    }
    ha = knative.high_availability.replicas if knative.high_availability else None
    for manifest in out:
        if manifest["kind"] != "Deployment":
            continue
        name = manifest["metadata"]["name"]
        workload = overrides.get(name)
        replicas = workload.replicas if workload and workload.replicas is not None else ha
        autoscaler = hpas.get((manifest["metadata"]["namespace"], name))
        if replicas is not None:
            if autoscaler is not None:
                _raise_hpa_minimum(autoscaler, replicas)
            else:
                manifest["spec"]["replicas"] = replicas
        if workload is not None:
            _apply_placement(manifest["spec"]["template"], workload)
    return out


def _raise_hpa_minimum(autoscaler: Manifest, replicas: int) -> None:
    spec = autoscaler["spec"]
    delta = replicas - spec["minReplicas"]
    if delta > 0:
        spec["minReplicas"] = replicas
        spec["maxReplicas"] += delta


def _apply_placement(template: dict[str, Any], workload: WorkloadSettings) -> None:
    meta, pod = template.setdefault("metadata", {}), template["spec"]
    if workload.labels:
        meta["labels"] = {**meta.get("labels", {}), **workload.labels}
    if workload.annotations:
        meta["annotations"] = {**meta.get("annotations", {}), **workload.annotations}
    if workload.node_selector is not None:
        pod["nodeSelector"] = dict(workload.node_selector)
    if workload.tolerations is not None:
        pod["tolerations"] = [t.to_dict() for t in workload.tolerations]
    if workload.affinity is not None:
        pod["affinity"] = copy.deepcopy(workload.affinity)
    if workload.topology_spread_constraints is not None:
        pod["topologySpreadConstraints"] = copy.deepcopy(workload.topology_spread_constraints)
    for item in workload.resources:
        container = next(c for c in pod["containers"] if c["name"] == item.container)
        current = container.setdefault("resources", {})
        for kind, values in (("requests", item.requests), ("limits", item.limits)):
            if values:
                current[kind] = {**current.get(kind, {}), **{k: str(v) for k, v in values.items()}}


def with_pull_secrets(manifests: list[Manifest], knative: KnativeSettings) -> list[Manifest]:
    """imagePullSecrets on every pod of the install (for private mirrors)."""
    secrets = knative.images.pull_secrets
    if not secrets:
        return manifests
    for manifest in manifests:
        if manifest["kind"] == "Deployment":
            manifest["spec"]["template"]["spec"]["imagePullSecrets"] = [
                {"name": s} for s in secrets
            ]
    return manifests


__all__ = ["KNATIVE_RELEASES", "SYSTEM_NAMESPACE", "Install"]


def knative_deployment(
    install: Install,
    name: str,
    component: str,
    container: dict[str, Any],
    *,
    service_account: str = "controller",
    selector: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
    pod_extra: dict[str, Any] | None = None,
    labels: dict[str, str] | None = None,
) -> Manifest:
    """A Knative Serving Deployment: `app=<name>` selector, node spreading, restricted container."""
    match = selector or {"app": name}
    spec: dict[str, Any] = dict(extra or {})
    spec["selector"] = {"matchLabels": match}
    spec["template"] = {
        "metadata": {"labels": {**match, **install.labels(component)}},
        "spec": {
            "affinity": spread_over_nodes(name),
            "serviceAccountName": service_account,
            "containers": [container],
            **(pod_extra or {}),
        },
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(name, SYSTEM_NAMESPACE, labels or install.labels(component)),
        "spec": spec,
    }


def container(
    name: str,
    image: str,
    env: list[dict[str, Any]],
    port_list: list[dict[str, Any]],
    requests: tuple[str, str],
    limits: tuple[str, str],
    **probes: Any,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": name,
        "image": image,
        "resources": resources(requests, limits),
        "env": env,
        "securityContext": copy.deepcopy(KNATIVE_CONTAINER_SECURITY),
        "ports": port_list,
    }
    for key in ("readinessProbe", "livenessProbe"):
        if key in probes:
            out[key] = probes[key]
    return out


def http_probe(
    port: int | str, *, path: str | None = None, scheme: str | None = None, **timing: int
) -> dict[str, Any]:
    get: dict[str, Any] = {}
    if path is not None:
        get["path"] = path
    get["port"] = port
    if scheme is not None:
        get["scheme"] = scheme
    return {"httpGet": get, **timing}
