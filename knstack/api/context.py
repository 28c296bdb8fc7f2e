"""The cluster-wide Knative settings that validation and defaulting depend on.

On a Knative cluster these live in config-features, config-defaults and config-autoscaler.
knstack reads them from the environment (the stack file) so that the Kubernetes backend
validates exactly as the Knative webhook of that environment would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# config-features defaults (knative/serving config/core/configmaps/features.yaml).
FEATURE_DEFAULTS: dict[str, str] = {
    "multi-container": "enabled",
    "multi-container-probing": "disabled",
    "secure-pod-defaults": "disabled",
    "tag-header-based-routing": "disabled",
    "autodetect-http2": "disabled",
    "kubernetes.podspec-affinity": "disabled",
    "kubernetes.podspec-topologyspreadconstraints": "disabled",
    "kubernetes.podspec-hostaliases": "disabled",
    "kubernetes.podspec-nodeselector": "disabled",
    "kubernetes.podspec-tolerations": "disabled",
    "kubernetes.podspec-fieldref": "disabled",
    "kubernetes.podspec-runtimeclassname": "disabled",
    "kubernetes.podspec-dnspolicy": "disabled",
    "kubernetes.podspec-dnsconfig": "disabled",
    "kubernetes.podspec-securitycontext": "disabled",
    "kubernetes.podspec-shareprocessnamespace": "disabled",
    "kubernetes.podspec-hostipc": "disabled",
    "kubernetes.podspec-hostpid": "disabled",
    "kubernetes.podspec-hostnetwork": "disabled",
    "kubernetes.podspec-priorityclassname": "disabled",
    "kubernetes.podspec-schedulername": "disabled",
    "kubernetes.containerspec-addcapabilities": "disabled",
    "kubernetes.podspec-volumes-emptydir": "enabled",
    "kubernetes.podspec-volumes-image": "disabled",
    "kubernetes.podspec-volumes-hostpath": "disabled",
    "kubernetes.podspec-volumes-ephemeral": "disabled",
    "kubernetes.podspec-volumes-csi": "disabled",
    "kubernetes.podspec-init-containers": "disabled",
    "kubernetes.podspec-persistent-volume-claim": "disabled",
    "kubernetes.podspec-persistent-volume-write": "disabled",
    "kubernetes.podspec-volumes-mount-propagation": "disabled",
    "queueproxy.mount-podinfo": "disabled",
    "queueproxy.resource-defaults": "disabled",
}
FEATURE_VALUES = ("enabled", "disabled", "allowed")


@dataclass(frozen=True)
class ServingContext:
    """What the webhook of one environment allows, and the defaults it applies."""

    features: dict[str, str] = field(default_factory=lambda: dict(FEATURE_DEFAULTS))
    # config-defaults
    revision_timeout_seconds: int = 300
    max_revision_timeout_seconds: int = 600
    container_concurrency: int = 0
    container_concurrency_max_limit: int = 1000
    allow_container_concurrency_zero: bool = True
    # config-autoscaler
    allow_zero_initial_scale: bool = False
    initial_scale: int = 1
    max_scale_limit: int = 0
    container_concurrency_target_default: float = 100.0
    container_concurrency_target_percentage: float = 70.0
    requests_per_second_target_default: float = 200.0
    enable_scale_to_zero: bool = True

    def feature_on(self, name: str) -> bool:
        """True when a feature flag is `enabled` or `allowed` (Knative treats both as usable)."""
        return self.features.get(name, FEATURE_DEFAULTS.get(name, "disabled")) != "disabled"

    def with_features(self, overrides: dict[str, str]) -> ServingContext:
        merged = {**self.features, **overrides}
        return ServingContext(**{**self.__dict__, "features": merged})


DEFAULT_CONTEXT = ServingContext()
