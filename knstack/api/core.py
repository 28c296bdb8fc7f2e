"""The subset of Kubernetes core/v1 types a Knative revision template uses.

Fields Knative accepts are typed; fields Knative rejects (lifecycle, stdin, tty, ...) are
declared too, so that a YAML file that sets them loads and the validator can say precisely
that Knative does not allow them. Deeply nested, rarely written structures (affinity,
tolerations, projected volumes, ...) stay free-form dictionaries.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from knstack.api.base import KubeModel

Quantity = str | int | float
FreeForm = dict[str, Any]


class OwnerReference(KubeModel):
    api_version: str
    kind: str
    name: str
    uid: str
    controller: bool | None = None
    block_owner_deletion: bool | None = None


class ObjectMeta(KubeModel):
    name: str | None = None
    generate_name: str | None = None
    namespace: str | None = None
    labels: dict[str, str] | None = None
    annotations: dict[str, str] | None = None
    # Read-only fields an exported object may carry; accepted and ignored.
    uid: str | None = None
    resource_version: str | None = None
    generation: int | None = None
    creation_timestamp: str | None = None
    deletion_timestamp: str | None = None
    deletion_grace_period_seconds: int | None = None
    self_link: str | None = None
    owner_references: list[OwnerReference] | None = None
    finalizers: list[str] | None = None
    managed_fields: list[FreeForm] | None = None


class KeySelector(KubeModel):
    name: str | None = None
    key: str
    optional: bool | None = None


class ObjectFieldSelector(KubeModel):
    api_version: str | None = None
    field_path: str


class ResourceFieldSelector(KubeModel):
    container_name: str | None = None
    resource: str
    divisor: Quantity | None = None


class EnvVarSource(KubeModel):
    config_map_key_ref: KeySelector | None = None
    secret_key_ref: KeySelector | None = None
    field_ref: ObjectFieldSelector | None = None
    resource_field_ref: ResourceFieldSelector | None = None
    file_key_ref: FreeForm | None = None


class EnvVar(KubeModel):
    name: str
    value: str | None = None
    value_from: EnvVarSource | None = None


class NamedRef(KubeModel):
    name: str | None = None
    optional: bool | None = None


class EnvFromSource(KubeModel):
    prefix: str | None = None
    config_map_ref: NamedRef | None = None
    secret_ref: NamedRef | None = None


class ContainerPort(KubeModel):
    name: str | None = None
    # Optional: Knative admits a port with only a name (h2c) and serves on 8080
    # (knative/serving pkg/apis/serving/k8s_validation.go, validateContainersPorts).
    container_port: int | None = None
    protocol: str | None = None
    host_port: int | None = None
    host_ip: str | None = Field(default=None, alias="hostIP")


class ResourceRequirements(KubeModel):
    requests: dict[str, Quantity] | None = None
    limits: dict[str, Quantity] | None = None
    claims: list[FreeForm] | None = None


class HTTPHeader(KubeModel):
    name: str
    value: str


class HTTPGetAction(KubeModel):
    path: str | None = None
    port: int | str | None = None
    host: str | None = None
    scheme: str | None = None
    http_headers: list[HTTPHeader] | None = None


class TCPSocketAction(KubeModel):
    port: int | str | None = None
    host: str | None = None


class GRPCAction(KubeModel):
    port: int | None = None
    service: str | None = None


class ExecAction(KubeModel):
    command: list[str] | None = None


class Probe(KubeModel):
    http_get: HTTPGetAction | None = None
    tcp_socket: TCPSocketAction | None = None
    grpc: GRPCAction | None = None
    exec_: ExecAction | None = Field(default=None, alias="exec")
    initial_delay_seconds: int | None = None
    timeout_seconds: int | None = None
    period_seconds: int | None = None
    success_threshold: int | None = None
    failure_threshold: int | None = None
    termination_grace_period_seconds: int | None = None


class Capabilities(KubeModel):
    add: list[str] | None = None
    drop: list[str] | None = None


class SeccompProfile(KubeModel):
    type: str
    localhost_profile: str | None = None


class SecurityContext(KubeModel):
    capabilities: Capabilities | None = None
    privileged: bool | None = None
    read_only_root_filesystem: bool | None = None
    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    allow_privilege_escalation: bool | None = None
    seccomp_profile: SeccompProfile | None = None
    # Not allowed by Knative; declared so the validator can name them.
    se_linux_options: FreeForm | None = Field(default=None, alias="seLinuxOptions")
    windows_options: FreeForm | None = None
    proc_mount: str | None = None
    app_armor_profile: FreeForm | None = None


class PodSecurityContext(KubeModel):
    run_as_user: int | None = None
    run_as_group: int | None = None
    run_as_non_root: bool | None = None
    fs_group: int | None = None
    fs_group_change_policy: str | None = None
    supplemental_groups: list[int] | None = None
    supplemental_groups_policy: str | None = None
    seccomp_profile: SeccompProfile | None = None
    se_linux_options: FreeForm | None = Field(default=None, alias="seLinuxOptions")
    sysctls: list[FreeForm] | None = None
    windows_options: FreeForm | None = None
    app_armor_profile: FreeForm | None = None


class VolumeMount(KubeModel):
    name: str
    mount_path: str
    read_only: bool | None = None
    sub_path: str | None = None
    sub_path_expr: str | None = None
    mount_propagation: str | None = None
    recursive_read_only: str | None = None


class KeyToPath(KubeModel):
    key: str
    path: str
    mode: int | None = None


class SecretVolumeSource(KubeModel):
    secret_name: str | None = None
    items: list[KeyToPath] | None = None
    default_mode: int | None = None
    optional: bool | None = None


class ConfigMapVolumeSource(KubeModel):
    name: str | None = None
    items: list[KeyToPath] | None = None
    default_mode: int | None = None
    optional: bool | None = None


class EmptyDirVolumeSource(KubeModel):
    medium: str | None = None
    size_limit: Quantity | None = None


class PersistentVolumeClaimVolumeSource(KubeModel):
    claim_name: str
    read_only: bool | None = None


class Volume(KubeModel):
    name: str
    secret: SecretVolumeSource | None = None
    config_map: ConfigMapVolumeSource | None = None
    projected: FreeForm | None = None
    empty_dir: EmptyDirVolumeSource | None = None
    persistent_volume_claim: PersistentVolumeClaimVolumeSource | None = None
    host_path: FreeForm | None = None
    csi: FreeForm | None = None
    ephemeral: FreeForm | None = None
    image: FreeForm | None = None
    downward_api: FreeForm | None = Field(default=None, alias="downwardAPI")
    nfs: FreeForm | None = None


class Container(KubeModel):
    name: str | None = None
    image: str | None = None
    command: list[str] | None = None
    args: list[str] | None = None
    working_dir: str | None = None
    ports: list[ContainerPort] | None = None
    env_from: list[EnvFromSource] | None = None
    env: list[EnvVar] | None = None
    resources: ResourceRequirements | None = None
    volume_mounts: list[VolumeMount] | None = None
    liveness_probe: Probe | None = None
    readiness_probe: Probe | None = None
    startup_probe: Probe | None = None
    termination_message_path: str | None = None
    termination_message_policy: str | None = None
    image_pull_policy: str | None = None
    security_context: SecurityContext | None = None
    # Not allowed by Knative (knative/serving pkg/apis/serving/k8s_validation.go); declared so the validator names them.
    lifecycle: FreeForm | None = None
    stdin: bool | None = None
    stdin_once: bool | None = None
    tty: bool | None = None
    volume_devices: list[FreeForm] | None = None
    restart_policy: str | None = None
    resize_policy: list[FreeForm] | None = None


# Container fields Knative's webhook rejects (pkg/apis/serving/fieldmask.go).
DISALLOWED_CONTAINER_FIELDS: tuple[str, ...] = (
    "lifecycle",
    "stdin",
    "stdin_once",
    "tty",
    "volume_devices",
    "restart_policy",
    "resize_policy",
)


class LocalObjectReference(KubeModel):
    name: str


class Toleration(KubeModel):
    key: str | None = None
    operator: str | None = None
    value: str | None = None
    effect: str | None = None
    toleration_seconds: int | None = None
