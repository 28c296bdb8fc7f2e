"""Will Knative's revision pods pass the Pod Security "restricted" namespaces knstack renders?

Knative copies the template's securityContext to the pod and, with config-features
`secure-pod-defaults: enabled`, fills in the rest (knative/serving config/core/configmaps/). knstack turns that on in
the installs it generates; against a Knative it does not install, or with the flag set
otherwise, containers must carry a restricted securityContext themselves.
"""

from __future__ import annotations

from knstack.api.core import Container
from knstack.expand.namespace import UNMANAGED_NAMESPACES
from knstack.resolve.model import RevisionPlan
from knstack.stack.settings import ClusterSettings, StackSettings

SECURE_DEFAULTS = "secure-pod-defaults"


def secure_pod_defaults(settings: ClusterSettings) -> str:
    """The flag as the cluster will have it (knstack's install enables it unless set)."""
    return environment_secure_pod_defaults(settings.stack)


def environment_secure_pod_defaults(stack: StackSettings) -> str:
    """`secure-pod-defaults` as an environment's Knative will have it."""
    knative = stack.knative
    features = knative.config.features
    if knative.install and "secure_pod_defaults" not in features.model_fields_set:
        return "enabled"
    return features.secure_pod_defaults


def pod_security_warnings(revisions: list[RevisionPlan], settings: ClusterSettings) -> list[str]:
    if not settings.stack.manage_namespaces or secure_pod_defaults(settings) == "enabled":
        return []
    warnings = []
    for rev in revisions:
        if rev.namespace in UNMANAGED_NAMESPACES:
            continue  # knstack renders no Namespace (no Pod Security labels) for these
        spec = rev.template.spec
        pod = spec.security_context
        pod_non_root = bool(pod and pod.run_as_non_root)
        pod_seccomp = bool(pod and pod.seccomp_profile)
        containers = [*spec.containers, *(spec.init_containers or [])]
        if any(not _restricted(c, pod_non_root, pod_seccomp) for c in containers):
            warnings.append(
                f"{rev.ref}: its namespace enforces Pod Security restricted, but its containers "
                f"lack a restricted securityContext and config-features {SECURE_DEFAULTS} is "
                f"{secure_pod_defaults(settings)}: Kubernetes will refuse its pods; set "
                "runAsNonRoot, allowPrivilegeEscalation false, capabilities drop ALL and a "
                f"seccompProfile, or enable {SECURE_DEFAULTS} in knative.config.features"
            )
    return warnings


def _restricted(container: Container, pod_non_root: bool, pod_seccomp: bool) -> bool:
    security = container.security_context
    if security is None:
        return False
    drops = [d.upper() for d in (security.capabilities.drop or [])] if security.capabilities else []
    return (
        security.allow_privilege_escalation is False
        and "ALL" in drops
        and (security.run_as_non_root is True or pod_non_root)
        and (security.seccomp_profile is not None or pod_seccomp)
    )
