"""The Deployment of a revision (Knative revision/resources/deploy.go, knative/serving pkg/reconciler/revision/resources/deploy.go).

Without Knative there is no queue-proxy: requests reach the user container directly, so
its readiness probe stays on the pod (Knative moves it into the queue-proxy) and the
Service targets the user port.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from knstack.api.core import Container, Probe, ResourceRequirements, SecurityContext
from knstack.api.validation.podspec import serving_container_index, user_port
from knstack.expand.labels import (
    object_meta,
    revision_annotations,
    revision_labels,
    revision_selector,
    sorted_map,
)
from knstack.naming import deployment_name
from knstack.resolve.model import RevisionPlan
from knstack.stack.settings import ClusterSettings
from knstack.vocabulary import (
    DEFAULT_CONTAINER_ANNOTATION,
    RESTRICTED_CONTAINER_SECURITY,
    RESTRICTED_POD_SECURITY,
    REVISION_LABEL,
)

USER_PORT_NAME = "user-port"
# Pod spec fields copied as the user wrote them (feature-flagged ones were validated).
_COPIED_POD_FIELDS = (
    "service_account_name",
    "image_pull_secrets",
    "node_selector",
    "tolerations",
    "topology_spread_constraints",
    "host_aliases",
    "runtime_class_name",
    "share_process_namespace",
    "priority_class_name",
    "scheduler_name",
    "dns_policy",
    "dns_config",
    "host_ipc",
    "host_pid",
    "host_network",
)


def build_revision_deployment(
    rev: RevisionPlan, settings: ClusterSettings, *, replicas: int | None
) -> dict[str, Any]:
    """The revision's Deployment; `replicas` is None when an autoscaler owns the count."""
    labels = revision_labels(rev)
    spec: dict[str, Any] = {}
    if replicas is not None:
        spec["replicas"] = replicas
    spec["selector"] = {"matchLabels": revision_selector(rev)}
    spec["progressDeadlineSeconds"] = rev.effective.progress_deadline_seconds
    spec["revisionHistoryLimit"] = 0
    spec["strategy"] = {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
    }
    spec["template"] = {
        "metadata": {
            "labels": labels,
            "annotations": sorted_map(
                {
                    **revision_annotations(rev, keep_autoscaling=False),
                    DEFAULT_CONTAINER_ANNOTATION: rev.effective.container_names[
                        serving_container_index(rev.template.spec)
                    ],
                }
            ),
        },
        "spec": build_pod_spec(rev, settings),
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": object_meta(
            deployment_name(rev.name),
            rev.namespace,
            labels,
            revision_annotations(rev, keep_autoscaling=False),
        ),
        "spec": spec,
    }


def build_pod_spec(rev: RevisionPlan, settings: ClusterSettings) -> dict[str, Any]:
    spec = rev.template.spec
    names = rev.effective.container_names
    serving = serving_container_index(spec)
    port, _ = user_port(spec)
    volume_kinds = {v.name: v for v in spec.volumes or []}
    pod: dict[str, Any] = {}
    if spec.init_containers:
        pod["initContainers"] = [
            _build_container(
                c,
                c.name or f"init-container-{i}"
                if len(spec.init_containers) > 1
                else c.name or "init-container",
                rev,
                settings,
                port=None,
                volume_kinds=volume_kinds,
                resources=_init_container_resources(c, settings),
            )
            for i, c in enumerate(spec.init_containers)
        ]
    pod["containers"] = [
        _build_container(
            c,
            names[i],
            rev,
            settings,
            port=port if i == serving else None,
            volume_kinds=volume_kinds,
            resources=rev.effective.container_resources[i],
            sidecar=i != serving,
        )
        for i, c in enumerate(spec.containers)
    ]
    if spec.volumes:
        pod["volumes"] = [v.to_dict() for v in spec.volumes]
    for attr in _COPIED_POD_FIELDS:
        value = getattr(spec, attr)
        if value is not None:
            pod[_api_name(attr)] = _plain(value)
    pod["enableServiceLinks"] = (
        spec.enable_service_links if spec.enable_service_links is not None else False
    )
    # Pods rarely need the Kubernetes API; the user can turn the token back on.
    pod["automountServiceAccountToken"] = (
        spec.automount_service_account_token
        if spec.automount_service_account_token is not None
        else False
    )
    pod["terminationGracePeriodSeconds"] = rev.effective.timeout_seconds
    pod["securityContext"] = _merge(
        RESTRICTED_POD_SECURITY, spec.security_context.to_dict() if spec.security_context else {}
    )
    pod["affinity"] = spec.affinity if spec.affinity is not None else _default_anti_affinity(rev)
    return pod


def _build_container(
    container: Container,
    name: str,
    rev: RevisionPlan,
    settings: ClusterSettings,
    *,
    port: int | None,
    volume_kinds: dict[str, Any],
    resources: dict[str, Any] | None,
    sidecar: bool = False,
) -> dict[str, Any]:
    out: dict[str, Any] = {"name": name, "image": container.image}
    for attr, key in (("command", "command"), ("args", "args"), ("working_dir", "workingDir")):
        value = getattr(container, attr)
        if value is not None:
            out[key] = value
    if port is not None:
        out["ports"] = [{"name": USER_PORT_NAME, "containerPort": port, "protocol": "TCP"}]
    if container.env_from:
        out["envFrom"] = [e.to_dict() for e in container.env_from]
    env = [e.to_dict() for e in container.env or []]
    if port is not None:
        env.append({"name": "PORT", "value": str(port)})
    env += [
        {"name": "K_REVISION", "value": rev.name},
        {"name": "K_CONFIGURATION", "value": rev.configuration},
        {"name": "K_SERVICE", "value": rev.service or ""},
    ]
    out["env"] = env
    if resources is not None:
        out["resources"] = resources
    if container.volume_mounts:
        out["volumeMounts"] = [_mount(m.to_dict(), volume_kinds) for m in container.volume_mounts]
    if port is not None:
        out["readinessProbe"] = _readiness_probe(container.readiness_probe, port)
        if container.liveness_probe is not None:
            out["livenessProbe"] = _liveness_probe(
                container.liveness_probe, port, custom_port=_custom_probe_ports(settings)
            )
        if container.startup_probe is not None:
            out["startupProbe"] = _probe_on_port(container.startup_probe, port)
    elif sidecar:
        for attr, key in (
            ("readiness_probe", "readinessProbe"),
            ("liveness_probe", "livenessProbe"),
            ("startup_probe", "startupProbe"),
        ):
            probe = getattr(container, attr)
            if probe is not None:
                out[key] = probe.to_dict()
    if container.image_pull_policy is not None:
        out["imagePullPolicy"] = container.image_pull_policy
    if container.termination_message_path is not None:
        out["terminationMessagePath"] = container.termination_message_path
    out["terminationMessagePolicy"] = (
        container.termination_message_policy or "FallbackToLogsOnError"
    )
    out["securityContext"] = _container_security(container.security_context)
    return out


def _readiness_probe(probe: Probe | None, port: int) -> dict[str, Any]:
    if probe is None:
        # Knative's default: a TCP check of the user port, passing once.
        return {"tcpSocket": {"port": port}, "successThreshold": 1}
    out = _probe_on_port(probe, port)
    if probe.period_seconds == 0:
        # Knative's "aggressive probing" lives in the queue-proxy; the kubelet's fastest is 1s.
        out["periodSeconds"] = 1
    return out


def _custom_probe_ports(settings: ClusterSettings) -> bool:
    """config-features multi-container-probing: Enabled lets probes keep their own port."""
    flag = settings.stack.serving_context().features.get("multi-container-probing", "")
    return flag.lower() == "enabled"


def _liveness_probe(probe: Probe, port: int, *, custom_port: bool) -> dict[str, Any]:
    """knative/serving pkg/reconciler/revision/resources/deploy.go (rewriteUserLivenessProbe):
    an httpGet or tcpSocket liveness probe checks the user port, unless multi-container-probing
    is enabled and the probe names a port number of its own."""
    out = _probe_on_port(probe, port)
    for handler in ("httpGet", "tcpSocket"):
        if handler in out and not (custom_port and _port_number(out[handler].get("port"))):
            out[handler] = {**out[handler], "port": port}
    return out


def _port_number(value: Any) -> int:
    """intstr.IntOrString.IntValue(): a number, a numeric string's number, else 0."""
    if isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return 0


def _probe_on_port(probe: Probe, port: int) -> dict[str, Any]:
    """Knative fills in the user port for probes that do not name one."""
    out = probe.to_dict()
    for handler in ("httpGet", "tcpSocket", "grpc"):
        if handler in out and out[handler].get("port") in (None, 0, USER_PORT_NAME, ""):
            out[handler] = {**out[handler], "port": port}
            if handler == "httpGet":
                out[handler].setdefault("path", "/")
    return out


def _init_container_resources(
    container: Container, settings: ClusterSettings
) -> dict[str, Any] | None:
    """Knative defaults no init container's resources; knstack gives one without any the
    environment's defaults whole, so the pod has requests and limits throughout."""
    resources = container.resources or settings.stack.defaults.resources
    return container_resources(resources) if resources is not None else None


def container_resources(resources: ResourceRequirements) -> dict[str, Any]:
    data = resources.to_dict()
    return {
        key: sorted_map({k: str(v) for k, v in data[key].items()})
        if isinstance(data.get(key), dict)
        else data[key]
        for key in ("requests", "limits", "claims")
        if key in data
    }


def _mount(mount: dict[str, Any], volumes: dict[str, Any]) -> dict[str, Any]:
    volume = volumes.get(mount["name"])
    writable = volume is not None and (
        volume.empty_dir is not None
        or volume.persistent_volume_claim is not None
        or volume.ephemeral is not None
    )
    if not writable:
        mount = {**mount, "readOnly": True}  # Knative forces config and secret mounts read-only
    return mount


def _container_security(user: SecurityContext | None) -> dict[str, Any]:
    return _merge(RESTRICTED_CONTAINER_SECURITY, user.to_dict() if user else {})


def _merge(defaults: Mapping[str, Any], user: Mapping[str, Any]) -> dict[str, Any]:
    """The user's fields win over the secure defaults, key by key."""
    merged = {**defaults, **user}
    return {key: merged[key] for key in sorted(merged)}


def _default_anti_affinity(rev: RevisionPlan) -> dict[str, Any]:
    """Knative's prefer-spread-revision-over-nodes default."""
    return {
        "podAntiAffinity": {
            "preferredDuringSchedulingIgnoredDuringExecution": [
                {
                    "weight": 100,
                    "podAffinityTerm": {
                        "topologyKey": "kubernetes.io/hostname",
                        "labelSelector": {"matchLabels": {REVISION_LABEL: rev.name}},
                    },
                }
            ]
        }
    }


def _api_name(attr: str) -> str:
    special = {"host_ipc": "hostIPC", "host_pid": "hostPID"}
    if attr in special:
        return special[attr]
    head, *rest = attr.split("_")
    return head + "".join(p.capitalize() for p in rest)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value
