"""config-features: the feature flags validation depends on (knative/serving pkg/apis/serving/k8s_validation.go; config/features.go)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from knstack.api.configmaps.base import ConfigMapModel, lower_choice

FLAG_VALUES = ("enabled", "disabled", "allowed")
Flag = Annotated[Literal["enabled", "disabled", "allowed"], lower_choice(*FLAG_VALUES)]
# secure-pod-defaults has a fourth state (knative/serving config/core/configmaps/): secure defaults without runAsNonRoot.
SecureFlag = Annotated[
    Literal["enabled", "disabled", "allowrootbounded"],
    lower_choice("enabled", "disabled", "allowrootbounded"),
]


def _flag(default: str, key: str, what: str) -> Any:
    return Field(default, alias=key, description=what)


def _podspec(field: str, default: str = "disabled") -> Any:
    return _flag(
        default, f"kubernetes.podspec-{field.lower()}", f"Allows {field} in revision pod specs."
    )


class FeaturesConfig(ConfigMapModel):
    configmap = "config-features"

    secure_pod_defaults: SecureFlag = _flag(
        "disabled",
        "secure-pod-defaults",
        "Secure securityContext defaults for user containers: disabled, allowrootbounded or "
        "enabled.",
    )
    multi_container: Flag = _flag(
        "enabled", "multi-container", "Allows several containers per revision."
    )
    multi_container_probing: Flag = _flag(
        "disabled", "multi-container-probing", "Allows probes on sidecar containers."
    )
    kubernetes_podspec_affinity: Flag = _podspec("affinity")
    kubernetes_podspec_topologyspreadconstraints: Flag = _podspec("topologySpreadConstraints")
    kubernetes_podspec_hostaliases: Flag = _podspec("hostAliases")
    kubernetes_podspec_nodeselector: Flag = _podspec("nodeSelector")
    kubernetes_podspec_tolerations: Flag = _podspec("tolerations")
    kubernetes_podspec_fieldref: Flag = _podspec("fieldRef")
    kubernetes_podspec_runtimeclassname: Flag = _podspec("runtimeClassName")
    kubernetes_podspec_dnspolicy: Flag = _podspec("dnsPolicy")
    kubernetes_podspec_dnsconfig: Flag = _podspec("dnsConfig")
    kubernetes_podspec_securitycontext: Flag = _podspec("securityContext")
    kubernetes_podspec_shareprocessnamespace: Flag = _podspec("shareProcessNamespace")
    kubernetes_podspec_hostipc: Flag = _podspec("hostIPC")
    kubernetes_podspec_hostpid: Flag = _podspec("hostPID")
    kubernetes_podspec_hostnetwork: Flag = _podspec("hostNetwork")
    kubernetes_podspec_priorityclassname: Flag = _podspec("priorityClassName")
    kubernetes_podspec_schedulername: Flag = _podspec("schedulerName")
    kubernetes_containerspec_addcapabilities: Flag = _flag(
        "disabled",
        "kubernetes.containerspec-addcapabilities",
        "Allows securityContext.capabilities.add.",
    )
    tag_header_based_routing: Flag = _flag(
        "disabled", "tag-header-based-routing", "Routes by the Knative-Serving-Tag header."
    )
    autodetect_http2: Flag = _flag(
        "disabled", "autodetect-http2", "Detects HTTP/2 on the user port."
    )
    kubernetes_podspec_volumes_emptydir: Flag = _podspec("volumes-emptydir", "enabled")
    kubernetes_podspec_volumes_image: Flag = _podspec("volumes-image")
    kubernetes_podspec_volumes_hostpath: Flag = _podspec("volumes-hostpath")
    kubernetes_podspec_volumes_ephemeral: Flag = _podspec("volumes-ephemeral")
    kubernetes_podspec_volumes_csi: Flag = _podspec("volumes-csi")
    kubernetes_podspec_init_containers: Flag = _podspec("init-containers")
    kubernetes_podspec_persistent_volume_claim: Flag = _podspec("persistent-volume-claim")
    kubernetes_podspec_persistent_volume_write: Flag = _podspec("persistent-volume-write")
    kubernetes_podspec_volumes_mount_propagation: Flag = _podspec("volumes-mount-propagation")
    queueproxy_mount_podinfo: Flag = _flag(
        "disabled", "queueproxy.mount-podinfo", "Mounts pod info into the queue-proxy."
    )
    queueproxy_resource_defaults: Flag = _flag(
        "disabled",
        "queueproxy.resource-defaults",
        "Gives the queue-proxy default CPU, memory and storage requests and limits.",
    )

    def flags(self) -> dict[str, str]:
        """Every flag by its Knative key with its effective value."""
        dumped = self.model_dump(by_alias=True, mode="json")
        return {key: str(dumped[key]) for key in self.key_names()}


FEATURE_DEFAULTS: dict[str, str] = FeaturesConfig().flags()
