"""Revision spec rules: Knative's restricted PodSpec (knative/serving pkg/apis/serving/k8s_validation.go) and its serving settings (knative/serving pkg/apis/serving/v1/revision_types.go)."""

from __future__ import annotations

from knstack.api.context import ServingContext
from knstack.api.core import DISALLOWED_CONTAINER_FIELDS, Container, EnvVar, Probe, SecurityContext
from knstack.api.messages import out_of_bounds
from knstack.api.serving import RevisionSpec
from knstack.api.validation.image_ref import image_reference_error
from knstack.api.validation.k8s_fields import check_container_fields, check_pod_fields
from knstack.api.validation.names import (
    dns1123_label_error,
    dns1123_subdomain_error,
    env_name_error,
)
from knstack.api.validation.report import Report
from knstack.api.validation.volumes import validate_volumes
from knstack.errors import ERROR, WARNING, Problem

RESERVED_PORTS = frozenset({8012, 8013, 8022, 9090, 9091, 8008})
RESERVED_CONTAINER_NAME = "queue-proxy"
RESERVED_ENV = ("K_SERVICE", "K_CONFIGURATION", "K_REVISION")
PORT_NAMES = ("", "h2c", "http1")

# PodSpec field (snake_case attribute, API name) -> the config-features flag that allows it.
FLAGGED_POD_FIELDS: dict[str, tuple[str, str]] = {
    "affinity": ("affinity", "kubernetes.podspec-affinity"),
    "topology_spread_constraints": (
        "topologySpreadConstraints",
        "kubernetes.podspec-topologyspreadconstraints",
    ),
    "host_aliases": ("hostAliases", "kubernetes.podspec-hostaliases"),
    "node_selector": ("nodeSelector", "kubernetes.podspec-nodeselector"),
    "tolerations": ("tolerations", "kubernetes.podspec-tolerations"),
    "runtime_class_name": ("runtimeClassName", "kubernetes.podspec-runtimeclassname"),
    "security_context": ("securityContext", "kubernetes.podspec-securitycontext"),
    "share_process_namespace": (
        "shareProcessNamespace",
        "kubernetes.podspec-shareprocessnamespace",
    ),
    "priority_class_name": ("priorityClassName", "kubernetes.podspec-priorityclassname"),
    "scheduler_name": ("schedulerName", "kubernetes.podspec-schedulername"),
    "init_containers": ("initContainers", "kubernetes.podspec-init-containers"),
    "dns_policy": ("dnsPolicy", "kubernetes.podspec-dnspolicy"),
    "dns_config": ("dnsConfig", "kubernetes.podspec-dnsconfig"),
    "host_ipc": ("hostIPC", "kubernetes.podspec-hostipc"),
    "host_pid": ("hostPID", "kubernetes.podspec-hostpid"),
    "host_network": ("hostNetwork", "kubernetes.podspec-hostnetwork"),
}
NEVER_POD_FIELDS: dict[str, str] = {
    "restart_policy": "restartPolicy",
    "termination_grace_period_seconds": "terminationGracePeriodSeconds",
    "active_deadline_seconds": "activeDeadlineSeconds",
    "node_name": "nodeName",
    "hostname": "hostname",
    "subdomain": "subdomain",
    "priority": "priority",
    "readiness_gates": "readinessGates",
}
_CAMEL = {
    "lifecycle": "lifecycle",
    "stdin": "stdin",
    "stdin_once": "stdinOnce",
    "tty": "tty",
    "volume_devices": "volumeDevices",
    "restart_policy": "restartPolicy",
    "resize_policy": "resizePolicy",
}


def serving_container_index(spec: RevisionSpec) -> int:
    """The container that receives requests: the only one, or the one with a port."""
    for index, container in enumerate(spec.containers):
        if container.ports:
            return index
    return 0


def user_port(spec: RevisionSpec) -> tuple[int, str]:
    """(port number, port name) of the serving container; 8080 and "" when none is declared."""
    if not spec.containers:
        return 8080, ""
    container = spec.containers[serving_container_index(spec)]
    if container.ports:
        port = container.ports[0]
        return port.container_port or 8080, port.name or ""
    return 8080, ""


def validate_revision_spec(spec: RevisionSpec, ctx: ServingContext, base: str) -> list[Problem]:
    problems: list[Problem] = []

    def bad(message: str, where: str, level: str = ERROR) -> None:
        problems.append(Problem(message, field=f"{base}.{where}", level=level))

    if not spec.containers:
        bad("missing field(s)", "containers")  # Knative: apis.ErrMissingField
        return problems
    _check_pod_level(spec, ctx, bad)
    problems += _validate_ports(spec, bad)
    serving = serving_container_index(spec)
    names: dict[str, str] = {}
    for index, container in enumerate(spec.containers):
        where = f"containers[{index}]"
        _check_container(container, where, ctx, bad, names, serving=index == serving)
        check_container_fields(container, where, bad)
        _check_probes(spec, container, where, ctx, bad, serving=index == serving)
    for index, container in enumerate(spec.init_containers or []):
        where = f"initContainers[{index}]"
        _check_container(container, where, ctx, bad, names, serving=False)
        check_container_fields(container, where, bad)
        if container.ports:
            bad("init containers must not declare ports", f"{where}.ports")
        for probe_name in ("liveness_probe", "readiness_probe", "startup_probe"):
            if getattr(container, probe_name) is not None:
                bad("init containers must not have probes", f"{where}")
    check_pod_fields(spec, bad)
    validate_volumes(spec, ctx, bad)
    _validate_serving_settings(spec, ctx, bad)
    return problems


def _check_pod_level(spec: RevisionSpec, ctx: ServingContext, bad: Report) -> None:
    """Pod fields behind feature flags, fields Knative manages, the service account name."""
    if len(spec.containers) > 1 and not ctx.feature_on("multi-container"):
        bad("more than one container needs the multi-container feature", "containers")
    for attr, (api_name, flag) in FLAGGED_POD_FIELDS.items():
        if getattr(spec, attr) is not None and not ctx.feature_on(flag):
            bad(
                f"is not allowed unless the environment enables the Knative feature {flag!r}",
                api_name,
            )
    for attr, api_name in NEVER_POD_FIELDS.items():
        if getattr(spec, attr) is not None:
            bad("is not allowed in a Knative revision (Knative manages it)", api_name)
    if spec.service_account_name and (err := dns1123_subdomain_error(spec.service_account_name)):
        bad(err, "serviceAccountName")


PROBES = (
    ("readiness_probe", "readinessProbe"),
    ("liveness_probe", "livenessProbe"),
    ("startup_probe", "startupProbe"),
)


def _check_probes(
    spec: RevisionSpec,
    container: Container,
    where: str,
    ctx: ServingContext,
    bad: Report,
    *,
    serving: bool,
) -> None:
    """A sidecar's probes need multi-container-probing; the serving container's go to
    the user port (knative/serving pkg/apis/serving/k8s_validation.go validateProbe)."""
    port_number, port_name = user_port(spec)
    for probe_attr, probe_name in PROBES:
        probe = getattr(container, probe_attr)
        if probe is None:
            continue
        if not serving and not ctx.feature_on("multi-container-probing"):
            bad(
                "probes on a sidecar need the multi-container-probing feature",
                f"{where}.{probe_name}",
            )
            continue
        readiness = probe_attr == "readiness_probe"
        _check_probe(probe, f"{where}.{probe_name}", readiness, port_number, port_name, bad)


def _validate_ports(spec: RevisionSpec, bad: Report) -> list[Problem]:
    with_ports = [i for i, c in enumerate(spec.containers) if c.ports]
    if len(spec.containers) > 1 and len(with_ports) != 1:
        bad(
            "with several containers, exactly one (the serving container) must declare a port",
            "containers",
        )
    for index in with_ports:
        ports = spec.containers[index].ports or []
        if len(ports) > 1:
            bad(
                "more than one container port is set: Knative serves exactly one port",
                f"containers[{index}].ports",
            )
        for p_index, port in enumerate(ports):
            where = f"containers[{index}].ports[{p_index}]"
            if port.name not in (None, *PORT_NAMES):
                bad(
                    f"invalid port name {port.name!r}: use h2c (HTTP/2 cleartext), http1, or leave it empty",
                    f"{where}.name",
                )
            if port.protocol not in (None, "TCP"):
                bad(
                    f"invalid protocol {port.protocol!r}: only TCP is supported",
                    f"{where}.protocol",
                )
            if port.host_port is not None:
                bad("must not be set: Knative does not expose host ports", f"{where}.hostPort")
            if port.host_ip is not None:
                bad("must not be set: Knative does not expose host ports", f"{where}.hostIP")
            if port.container_port is None:
                continue
            if not 0 <= port.container_port < 65536:
                bad(
                    f"expected 0 <= {port.container_port} <= 65535",
                    f"{where}.containerPort",
                )
            elif port.container_port in RESERVED_PORTS:
                reserved = ", ".join(str(p) for p in sorted(RESERVED_PORTS))
                bad(
                    f"{port.container_port} is reserved by Knative's queue-proxy ({reserved})",
                    f"{where}.containerPort",
                )
    return []


ENV_SOURCES = (
    "config_map_key_ref",
    "secret_key_ref",
    "field_ref",
    "resource_field_ref",
    "file_key_ref",
)
DISALLOWED_SECURITY_FIELDS = (
    ("se_linux_options", "seLinuxOptions"),
    ("windows_options", "windowsOptions"),
    ("proc_mount", "procMount"),
    ("app_armor_profile", "appArmorProfile"),
)


def _check_container(
    container: Container,
    where: str,
    ctx: ServingContext,
    bad: Report,
    names: dict[str, str],
    *,
    serving: bool,
) -> None:
    if container.name is not None:
        if container.name == RESERVED_CONTAINER_NAME:
            bad(f"{RESERVED_CONTAINER_NAME!r} is reserved for Knative's sidecar", f"{where}.name")
        elif err := dns1123_label_error(container.name):
            # Knative's webhook admits it; the API server refuses the Deployment it makes
            # (kubernetes pkg/apis/core/validation/validation.go, validateContainers).
            bad(f"{err}; the API server will refuse the revision's pods", f"{where}.name", WARNING)
        elif container.name in names:
            bad(
                f"duplicate container name {container.name!r} (also at {names[container.name]})",
                f"{where}.name",
            )
        else:
            names[container.name] = where
    if not container.image:
        bad("missing field(s)", f"{where}.image")  # Knative: apis.ErrMissingField
    elif err := image_reference_error(container.image):
        bad(err, f"{where}.image")
    for attr in DISALLOWED_CONTAINER_FIELDS:
        if getattr(container, attr) is not None:
            bad("is not allowed by Knative", f"{where}.{_CAMEL[attr]}")
    for e_index, env in enumerate(container.env or []):
        _check_env(env, f"{where}.env[{e_index}]", ctx, bad, serving=serving)
    if container.security_context is not None:
        _check_security_context(container.security_context, f"{where}.securityContext", ctx, bad)


def _check_env(
    env: EnvVar, env_where: str, ctx: ServingContext, bad: Report, *, serving: bool
) -> None:
    """knative/serving pkg/apis/serving/k8s_validation.go validateEnv / validateEnvValueFrom."""
    if err := env_name_error(env.name):
        bad(err, f"{env_where}.name")
    if env.name in RESERVED_ENV or (env.name == "PORT" and serving):
        bad(f"{env.name!r} is reserved: Knative sets it for every revision", f"{env_where}.name")
    if env.value is not None and env.value_from is not None:
        # Admitted by Knative's webhook, refused by the API server (validateEnvVarValueFrom).
        bad(
            "set either value or valueFrom, not both; the API server will refuse the "
            "revision's pods",
            env_where,
            WARNING,
        )
    source = env.value_from
    if source is None:
        return
    set_sources = [n for n in ENV_SOURCES if getattr(source, n) is not None]
    if len(set_sources) != 1:
        bad("valueFrom must set exactly one source", f"{env_where}.valueFrom")
    if (source.field_ref or source.resource_field_ref) and not ctx.feature_on(
        "kubernetes.podspec-fieldref"
    ):
        bad(
            "fieldRef/resourceFieldRef need the kubernetes.podspec-fieldref feature",
            f"{env_where}.valueFrom",
        )
    if source.file_key_ref is not None:
        bad("is not allowed by Knative", f"{env_where}.valueFrom.fileKeyRef")


def _check_security_context(
    security: SecurityContext, sc: str, ctx: ServingContext, bad: Report
) -> None:
    """knative/serving pkg/apis/serving/k8s_validation.go validateSecurityContext."""
    if security.privileged:
        bad("must be false: Knative does not run privileged containers", f"{sc}.privileged")
    if (
        security.capabilities
        and security.capabilities.add
        and not ctx.feature_on("kubernetes.containerspec-addcapabilities")
    ):
        bad("needs the kubernetes.containerspec-addcapabilities feature", f"{sc}.capabilities.add")
    for attr, api_name in DISALLOWED_SECURITY_FIELDS:
        if getattr(security, attr) is not None:
            bad("is not allowed by Knative", f"{sc}.{api_name}")


def _check_probe(
    probe: Probe, where: str, readiness: bool, port_number: int, port_name: str, bad: Report
) -> None:
    handlers = [
        n
        for n, v in (
            ("httpGet", probe.http_get),
            ("tcpSocket", probe.tcp_socket),
            ("grpc", probe.grpc),
            ("exec", probe.exec_),
        )
        if v is not None
    ]
    if len(handlers) != 1:
        bad(
            f"a probe needs exactly one handler (httpGet, tcpSocket, grpc or exec); found {len(handlers)}",
            where,
        )
    port: int | str | None = None
    if probe.http_get is not None:
        port = probe.http_get.port
    elif probe.tcp_socket is not None:
        port = probe.tcp_socket.port
    elif probe.grpc is not None:
        port = probe.grpc.port
    if isinstance(port, str) and port not in (port_name, "user-port") and not port.isdigit():
        bad(
            f"named port {port!r} does not match the container's port name {port_name or '(unnamed)'!r}",
            f"{where}",
        )
    if probe.period_seconds is not None:
        if probe.period_seconds < 0:
            bad("must be 0 or more", f"{where}.periodSeconds")
        elif probe.period_seconds == 0:
            if not readiness:
                bad(
                    "0 (aggressive probing) is only allowed on a readinessProbe",
                    f"{where}.periodSeconds",
                )
            for attr, api_name in (
                ("failure_threshold", "failureThreshold"),
                ("timeout_seconds", "timeoutSeconds"),
            ):
                if getattr(probe, attr) is not None:
                    bad("must not be set when periodSeconds is 0", f"{where}.{api_name}")
    for attr, api_name in (
        ("initial_delay_seconds", "initialDelaySeconds"),
        ("timeout_seconds", "timeoutSeconds"),
        ("failure_threshold", "failureThreshold"),
        ("success_threshold", "successThreshold"),
    ):
        value = getattr(probe, attr)
        if value is not None and value < 0:
            bad("must be 0 or more", f"{where}.{api_name}")


def _validate_serving_settings(spec: RevisionSpec, ctx: ServingContext, bad: Report) -> None:
    cc = spec.container_concurrency
    if cc is not None:
        if cc < 0 or cc > ctx.container_concurrency_max_limit:
            # knative/serving pkg/apis/serving/metadata_validation.go ValidateContainerConcurrency
            low = 0 if ctx.allow_container_concurrency_zero else 1
            bad(out_of_bounds(cc, low, ctx.container_concurrency_max_limit), "containerConcurrency")
        elif cc == 0 and not ctx.allow_container_concurrency_zero:
            bad(
                "0 (unlimited) is not allowed: the environment sets allow-container-concurrency-zero false",
                "containerConcurrency",
            )
    limit = ctx.max_revision_timeout_seconds
    timeout = spec.timeout_seconds
    if timeout is not None and not 0 <= timeout <= limit:
        # knative/serving pkg/apis/serving/v1/revision_validation.go validateTimeoutSeconds
        bad(out_of_bounds(timeout, 0, limit), "timeoutSeconds")
    effective_timeout = timeout or ctx.revision_timeout_seconds
    for attr, api_name in (
        ("response_start_timeout_seconds", "responseStartTimeoutSeconds"),
        ("idle_timeout_seconds", "idleTimeoutSeconds"),
    ):
        value = getattr(spec, attr)
        if value is None:
            continue
        if not 0 <= value <= limit:
            bad(f"{value} is out of range: must be between 0 and {limit}", api_name)
        elif attr == "response_start_timeout_seconds" and value > effective_timeout:
            bad(f"{value} must not exceed timeoutSeconds ({effective_timeout})", api_name)
