"""Security: Pod Security "restricted", read-only root filesystems, no stray API tokens.

The "restricted" checks follow the Pod Security Standards
(https://kubernetes.io/docs/concepts/security/pod-security-standards/), baseline included.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any

from knstack.policy.model import ADVISORY, MANDATORY, Manifest, RuleContext, Violation
from knstack.policy.objects import NAMESPACE, WORKLOADS, container_name, containers, pod_spec
from knstack.policy.registry import rule
from knstack.vocabulary import RESTRICTED_CONTAINER_SECURITY, labels_of

ALLOWED_VOLUME_TYPES = frozenset(
    {
        "configMap",
        "csi",
        "downwardAPI",
        "emptyDir",
        "ephemeral",
        "persistentVolumeClaim",
        "projected",
        "secret",
    }
)
ALLOWED_ADDED_CAPABILITIES = frozenset({"NET_BIND_SERVICE"})
ALLOWED_SECCOMP = frozenset({"RuntimeDefault", "Localhost"})
ALLOWED_SELINUX_TYPES = frozenset(
    {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}
)
SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    }
)
ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"


def _context_problems(sc: Mapping[str, Any], where: str) -> Iterator[tuple[str, str]]:
    """Checks shared by pod and container security contexts."""
    if (sc.get("windowsOptions") or {}).get("hostProcess") is True:
        yield f"{where}.windowsOptions.hostProcess", "Windows host processes are not allowed"
    selinux = sc.get("seLinuxOptions") or {}
    if selinux.get("type", "") not in ALLOWED_SELINUX_TYPES:
        yield f"{where}.seLinuxOptions.type", f"SELinux type {selinux.get('type')!r} is not allowed"
    for key in ("user", "role"):
        if selinux.get(key):
            yield f"{where}.seLinuxOptions.{key}", f"setting the SELinux {key} is not allowed"
    if (sc.get("appArmorProfile") or {}).get("type") == "Unconfined":
        yield f"{where}.appArmorProfile.type", "the Unconfined AppArmor profile is not allowed"
    if sc.get("runAsUser") == 0:
        yield f"{where}.runAsUser", "running as user 0 (root) is not allowed"


def _pod_problems(spec: Mapping[str, Any], base: str) -> Iterator[tuple[str, str]]:
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(field) is True:
            yield f"{base}.{field}", f"{field} shares the node's namespaces"
    pod_sc = spec.get("securityContext") or {}
    yield from _context_problems(pod_sc, f"{base}.securityContext")
    for index, sysctl in enumerate(pod_sc.get("sysctls") or []):
        if sysctl.get("name") not in SAFE_SYSCTLS:
            yield (
                f"{base}.securityContext.sysctls[{index}]",
                f"sysctl {sysctl.get('name')!r} is not in the safe set",
            )
    for index, volume in enumerate(spec.get("volumes") or []):
        kinds = sorted(k for k in volume if k != "name")
        bad = [k for k in kinds if k not in ALLOWED_VOLUME_TYPES]
        if bad:
            yield (
                f"{base}.volumes[{index}]",
                f"volume {volume.get('name')!r} of type {', '.join(bad)} is not allowed",
            )


def _container_problems(
    container: Mapping[str, Any], path: str, pod_sc: Mapping[str, Any]
) -> Iterator[tuple[str, str]]:
    sc = container.get("securityContext") or {}
    where = f"{path}.securityContext"
    yield from _context_problems(sc, where)
    if sc.get("privileged") is True:
        yield f"{where}.privileged", "privileged containers are not allowed"
    if sc.get("allowPrivilegeEscalation") is not False:
        yield f"{where}.allowPrivilegeEscalation", "must be false"
    if sc.get("runAsNonRoot", pod_sc.get("runAsNonRoot")) is not True:
        yield f"{where}.runAsNonRoot", "must be true (here or in the pod's securityContext)"
    seccomp = (sc.get("seccompProfile") or pod_sc.get("seccompProfile") or {}).get("type")
    if seccomp not in ALLOWED_SECCOMP:
        yield (
            f"{where}.seccompProfile.type",
            f"must be RuntimeDefault or Localhost (here or in the pod), not {seccomp!r}",
        )
    if sc.get("procMount", "Default") != "Default":
        yield f"{where}.procMount", "must be Default"
    capabilities = sc.get("capabilities") or {}
    if "ALL" not in (capabilities.get("drop") or []):
        yield f"{where}.capabilities.drop", "must drop ALL capabilities"
    added = [c for c in capabilities.get("add") or [] if c not in ALLOWED_ADDED_CAPABILITIES]
    if added:
        yield (
            f"{where}.capabilities.add",
            f"may only add NET_BIND_SERVICE, not {', '.join(map(str, added))}",
        )
    for index, port in enumerate(container.get("ports") or []):
        if port.get("hostPort"):
            yield f"{path}.ports[{index}].hostPort", "host ports are not allowed"


def _with_secure_pod_defaults(
    container: Mapping[str, Any], pod_sc: Mapping[str, Any], level: str
) -> Mapping[str, Any]:
    """The container as Knative completes it under config-features `secure-pod-defaults`.

    `root-allowed` and `enabled` fill unset fields to meet "restricted" (no privilege
    escalation, drop ALL, RuntimeDefault seccomp); `enabled` also sets runAsNonRoot.
    Explicit values are kept, as Knative keeps them.
    """
    if level not in ("root-allowed", "enabled"):
        return container
    sc = dict(container.get("securityContext") or {})
    restricted = copy.deepcopy(dict(RESTRICTED_CONTAINER_SECURITY))
    sc.setdefault("allowPrivilegeEscalation", restricted["allowPrivilegeEscalation"])
    if not (sc.get("capabilities") or {}).get("drop"):
        sc["capabilities"] = {**(sc.get("capabilities") or {}), **restricted["capabilities"]}
    if "seccompProfile" not in sc and "seccompProfile" not in pod_sc:
        sc["seccompProfile"] = restricted["seccompProfile"]
    if level == "enabled" and "runAsNonRoot" not in sc and "runAsNonRoot" not in pod_sc:
        sc["runAsNonRoot"] = restricted["runAsNonRoot"]
    return {**container, "securityContext": sc}


@rule(
    id="pod-security-restricted",
    title='Pods meet the Pod Security "restricted" profile',
    severity=MANDATORY,
    kinds=WORKLOADS,
    fix="Leave knstack's secure defaults in place (runAsNonRoot, no privilege escalation, drop "
    "ALL capabilities, RuntimeDefault seccomp); remove host namespaces, host paths and host ports.",
    rationale='knstack\'s namespaces enforce "restricted"; a pod that breaks it is rejected at '
    "admission, and one that escapes it can reach the node.",
)
def pod_security_restricted(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    found = pod_spec(obj)
    if found is None:
        return
    spec, base = found
    for where, message in _pod_problems(spec, base):
        yield Violation(obj, where, message)
    pod_sc = spec.get("securityContext") or {}
    knative_defaults = str(obj.get("apiVersion", "")).startswith("serving.knative.dev/")
    for container, path in containers(spec, base):
        if knative_defaults:
            container = _with_secure_pod_defaults(container, pod_sc, ctx.secure_pod_defaults)
        for where, message in _container_problems(container, path, pod_sc):
            yield Violation(obj, where, f"container {container_name(container, path)!r}: {message}")


@rule(
    id="read-only-root-filesystem",
    title="Containers run with a read-only root filesystem",
    severity=ADVISORY,
    kinds=WORKLOADS,
    fix="Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where the "
    "application writes (e.g. /tmp).",
    rationale="A writable root lets an intruder drop tools into the container; read-only roots "
    "also keep pods stateless, as Knative expects (kube-linter no-read-only-root-fs).",
)
def read_only_root_filesystem(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    found = pod_spec(obj)
    if found is None:
        return
    spec, base = found
    for container, path in containers(spec, base, init=False):
        if (container.get("securityContext") or {}).get("readOnlyRootFilesystem") is not True:
            yield Violation(
                obj,
                f"{path}.securityContext.readOnlyRootFilesystem",
                f"container {container_name(container, path)!r} can write to its root filesystem",
            )


@rule(
    id="service-account-token",
    title="Pods do not mount a Kubernetes API token they do not use",
    severity=ADVISORY,
    kinds=WORKLOADS,
    fix="Leave automountServiceAccountToken unset in knstack (it renders false), or set it to "
    "false; set it to true only for workloads that call the Kubernetes API.",
    rationale="A mounted token is a credential an intruder can use against the API server.",
)
def service_account_token(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    found = pod_spec(obj)
    if found is None:
        return
    spec, base = found
    if spec.get("automountServiceAccountToken") is not False:
        yield Violation(
            obj,
            f"{base}.automountServiceAccountToken",
            "the pod mounts a service account token (unset means true)",
        )


@rule(
    id="namespace-pod-security",
    title='Namespaces enforce Pod Security "restricted"',
    severity=MANDATORY,
    kinds={NAMESPACE},
    fix=f"Label the namespace {ENFORCE_LABEL}: restricted (knstack does for the namespaces "
    "it manages).",
    rationale="Admission enforcement catches every pod, including those no policy check saw.",
)
def namespace_pod_security(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    level = labels_of(obj).get(ENFORCE_LABEL)
    if level != "restricted":
        yield Violation(
            obj, f'metadata.labels["{ENFORCE_LABEL}"]', f"enforces {level!r}, not 'restricted'"
        )
