"""`knstack:knative`: the Knative Serving an environment runs, and whether knstack installs it.

`config` is the environment's Knative configuration (the typed ConfigMaps): both backends
validate against it, and the knative backend installs it. The rest describes the install:
release, images, networking layer, CRDs, high availability and placement per component
(the knobs of the Knative Operator's KnativeServing, knative/operator pkg/reconciler/common/ha.go).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, PrivateAttr, field_validator, model_validator

from knstack.api.configmaps import ServingConfig
from knstack.api.core import FreeForm, Quantity, Toleration
from knstack.stack.base import SettingsModel

KNATIVE_VERSION = "1.23.0"  # the release the generated install follows (../shared/upstream)
Networking = Literal["kourier", "gateway-api"]
_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
_NAMESPACED_NAME = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


@dataclass(frozen=True)
class ImageSource:
    registry: str
    repository: str
    tag: str | None = None  # None: the Knative release tag (v<version>)


# Every image the install uses, by the name settings refer to it with.
KNATIVE_RELEASES = "gcr.io/knative-releases"
IMAGES: dict[str, ImageSource] = {
    "activator": ImageSource(KNATIVE_RELEASES, "knative.dev/serving/cmd/activator"),
    "autoscaler": ImageSource(KNATIVE_RELEASES, "knative.dev/serving/cmd/autoscaler"),
    "autoscaler-hpa": ImageSource(KNATIVE_RELEASES, "knative.dev/serving/cmd/autoscaler-hpa"),
    "controller": ImageSource(KNATIVE_RELEASES, "knative.dev/serving/cmd/controller"),
    "queue-proxy": ImageSource(KNATIVE_RELEASES, "knative.dev/serving/cmd/queue"),
    "webhook": ImageSource(KNATIVE_RELEASES, "knative.dev/serving/cmd/webhook"),
    "net-kourier-controller": ImageSource(KNATIVE_RELEASES, "knative.dev/net-kourier/cmd/kourier"),
    # Upstream names the floating tag v1.37-latest; knstack pins a fixed 1.37 release.
    "kourier-gateway": ImageSource("docker.io", "envoyproxy/envoy", "v1.37.0"),
    "net-gateway-api-controller": ImageSource(
        KNATIVE_RELEASES, "knative.dev/net-gateway-api/cmd/controller"
    ),
    "net-gateway-api-webhook": ImageSource(
        KNATIVE_RELEASES, "knative.dev/net-gateway-api/cmd/webhook"
    ),
}
# Every Deployment of the install and its containers, for workload overrides.
WORKLOADS: dict[str, tuple[str, ...]] = {
    "activator": ("activator",),
    "autoscaler": ("autoscaler",),
    "autoscaler-hpa": ("autoscaler-hpa",),
    "controller": ("controller",),
    "webhook": ("webhook",),
    "net-kourier-controller": ("controller",),
    "3scale-kourier-gateway": ("kourier-gateway",),
    "net-gateway-api-controller": ("controller",),
    "net-gateway-api-webhook": ("webhook",),
}


class ImageSettings(SettingsModel):
    """Images are pinned to the release tag; add digests where known, mirror with `registry`."""

    registry: str | None = None  # replaces gcr.io/knative-releases and docker.io (a mirror)
    digests: dict[str, str] = Field(default_factory=dict)  # image name -> sha256:...
    overrides: dict[str, str] = Field(default_factory=dict)  # image name -> full reference
    pull_secrets: list[str] = Field(default_factory=list)

    @field_validator("digests", "overrides")
    @classmethod
    def _known_images(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if name not in IMAGES:
                raise ValueError(f"unknown image {name!r} (images: {', '.join(sorted(IMAGES))})")
        return value

    @field_validator("digests")
    @classmethod
    def _digests(cls, value: dict[str, str]) -> dict[str, str]:
        for name, digest in value.items():
            if not _DIGEST.match(digest):
                raise ValueError(
                    f"digest of {name!r} must look like sha256:<64 hex digits>, not {digest!r}"
                )
        return value

    @field_validator("registry")
    @classmethod
    def _registry(cls, value: str | None) -> str | None:
        if value is not None and (not value or value.endswith("/") or "://" in value):
            raise ValueError(
                f"{value!r} is not a registry prefix such as registry.example.com/knative"
            )
        return value


class ContainerResources(SettingsModel):
    container: str
    requests: dict[str, Quantity] | None = None
    limits: dict[str, Quantity] | None = None


class WorkloadSettings(SettingsModel):
    """Overrides for one Deployment of the install, as the Knative Operator's `workloads[]`."""

    name: str
    replicas: int | None = Field(default=None, ge=0)
    labels: dict[str, str] = Field(default_factory=dict)  # added to the pod template
    annotations: dict[str, str] = Field(default_factory=dict)  # added to the pod template
    node_selector: dict[str, str] | None = None
    tolerations: list[Toleration] | None = None
    affinity: FreeForm | None = None  # replaces the default hostname anti-affinity
    topology_spread_constraints: list[FreeForm] | None = None
    resources: list[ContainerResources] = Field(default_factory=list)

    @model_validator(mode="after")
    def _known(self) -> WorkloadSettings:
        if self.name not in WORKLOADS:
            raise ValueError(
                f"unknown workload {self.name!r} (workloads: {', '.join(sorted(WORKLOADS))})"
            )
        for item in self.resources:
            if item.container not in WORKLOADS[self.name]:
                raise ValueError(
                    f"workload {self.name!r} has no container {item.container!r} (containers: "
                    f"{', '.join(WORKLOADS[self.name])})"
                )
        return self


class HighAvailability(SettingsModel):
    """Replicas of every control-plane Deployment; with an HPA, its minimum (knative/operator pkg/reconciler/common/ha.go)."""

    replicas: int = Field(ge=1)


class KourierSettings(SettingsModel):
    service_type: Literal["LoadBalancer", "NodePort", "ClusterIP"] = "LoadBalancer"


class GatewayApiSettings(SettingsModel):
    """net-gateway-api's config-gateway: the external gateway is the environment's `gateway`."""

    gateway_class: str
    service: str | None = None  # namespace/name of the external gateway's Service (for probing)
    local_gateway: str  # namespace/name of the gateway for cluster-local routes
    local_gateway_class: str | None = None  # default: gatewayClass
    local_service: str | None = None
    supported_features: list[str] = Field(default_factory=list)

    @field_validator("service", "local_gateway", "local_service")
    @classmethod
    def _namespaced(cls, value: str | None) -> str | None:
        if value is not None and not _NAMESPACED_NAME.match(value):
            raise ValueError(f"{value!r} must be namespace/name")
        return value


class CrdSettings(SettingsModel):
    """Where the CRDs come from: generated by knstack, or the release's serving-crds.yaml."""

    path: str | None = None  # a file or directory, relative to the project root
    _documents: tuple[dict[str, Any], ...] | None = PrivateAttr(default=None)

    @property
    def documents(self) -> tuple[dict[str, Any], ...] | None:
        """The CRDs read from `path` (see knstack.stack.crdfiles), None until loaded."""
        return self._documents

    def with_documents(self, documents: list[dict[str, Any]]) -> CrdSettings:
        copy = self.model_copy()
        copy._documents = tuple(documents)
        return copy


class KnativeSettings(SettingsModel):
    install: bool = False  # render the control plane with the applications
    version: str = KNATIVE_VERSION
    networking: Networking = "kourier"
    hpa_autoscaler: bool | None = None  # None: install when some revision uses the HPA class
    images: ImageSettings = Field(default_factory=ImageSettings)
    crds: CrdSettings = Field(default_factory=CrdSettings)
    config: ServingConfig = Field(default_factory=ServingConfig)
    high_availability: HighAvailability | None = None
    workloads: list[WorkloadSettings] = Field(default_factory=list)
    kourier: KourierSettings = Field(default_factory=KourierSettings)
    gateway_api: GatewayApiSettings | None = None

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        # The generated install is the 1.23 one; patch releases share its manifests.
        if not re.fullmatch(r"1\.23\.\d+", value):
            raise ValueError(
                f"knstack generates the Knative Serving 1.23 install; {value!r} is not a "
                f"1.23.x release"
            )
        return value

    @field_validator("config")
    @classmethod
    def _derived_keys(cls, value: ServingConfig) -> ServingConfig:
        derived = {
            (
                "deployment",
                "queue_sidecar_image",
            ): "config.deployment.queue-sidecar-image is set by knstack from images (use "
            "images.overrides.queue-proxy)",
            (
                "network",
                "ingress_class",
            ): "config.network.ingress-class is set by knstack from networking (kourier or "
            "gateway-api)",
        }
        for (configmap, key), message in derived.items():
            if key in getattr(value, configmap).model_fields_set:
                raise ValueError(message)
        return value

    @field_validator("workloads")
    @classmethod
    def _unique_workloads(cls, value: list[WorkloadSettings]) -> list[WorkloadSettings]:
        names = [w.name for w in value]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"workloads listed twice: {', '.join(duplicates)}")
        return value

    @model_validator(mode="after")
    def _networking_settings(self) -> KnativeSettings:
        if self.install and self.networking == "gateway-api" and self.gateway_api is None:
            raise ValueError(
                "networking gateway-api needs gatewayApi (gatewayClass and localGateway at least)"
            )
        # Rollback needs the revision that just left the traffic (see docs/backends.md).
        if self.config.gc.min_non_active_revisions < 1:
            raise ValueError(
                "config.gc.min-non-active-revisions must be at least 1: knstack rolls back to the "
                "revision that last left the traffic, so Knative's GC must keep it"
            )
        return self


def stack_conflicts(
    knative: KnativeSettings, *, reserved_instance: bool, default_resources: dict[str, Any] | None
) -> list[str]:
    """Settings the environment gives twice with different values (see `effective_config`)."""
    problems: list[str] = []
    autoscaler = knative.config.autoscaler
    if (
        reserved_instance
        and "min_scale" in autoscaler.model_fields_set
        and autoscaler.min_scale != 1
    ):
        problems.append(
            "reservedInstance.enabled keeps one pod per revision (config-autoscaler min-scale 1), "
            f"but knative.config.autoscaler.min-scale is {autoscaler.min_scale}: set only one "
            f"of them"
        )
    defaults = knative.config.defaults
    for key, value in (default_resources or {}).items():
        attr = key.replace("-", "_")
        if attr in defaults.model_fields_set and str(getattr(defaults, attr)) != str(value):
            problems.append(
                f"defaults.resources gives {key} {value}, but knative.config.defaults.{key} is "
                f"{getattr(defaults, attr)}: set only one of them"
            )
    return problems


def revision_resource_defaults(resources: Any) -> dict[str, str]:
    """`knstack:defaults.resources` as config-defaults keys (revision-cpu-request, ...)."""
    out: dict[str, str] = {}
    if resources is None:
        return out
    for kind, values in (("request", resources.requests), ("limit", resources.limits)):
        for resource in ("cpu", "memory", "ephemeral-storage"):
            if values and resource in values:
                out[f"revision-{resource}-{kind}"] = str(values[resource])
    return out


def with_resource_defaults(config: ServingConfig, resources: Any) -> ServingConfig:
    """`knative.config` with `knstack:defaults.resources` as config-defaults revision-* keys
    (the keys the config map already sets win; `stack_conflicts` refuses a disagreement)."""
    updates = {
        key.replace("-", "_"): value
        for key, value in revision_resource_defaults(resources).items()
        if key.replace("-", "_") not in config.defaults.model_fields_set
    }
    if not updates:
        return config
    return config.model_copy(update={"defaults": config.defaults.model_copy(update=updates)})
