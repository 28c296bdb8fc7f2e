"""serving.knative.dev/v1 Service, Configuration and Route, with Knative's field names.

`Revision` is not something a user writes: it is what the ledger records for each
template a Configuration has had (see knstack.ledger).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, SerializerFunctionWrapHandler, model_serializer

from knstack.api.base import KubeModel
from knstack.api.core import (
    Container,
    FreeForm,
    LocalObjectReference,
    ObjectMeta,
    PodSecurityContext,
    Toleration,
    Volume,
)
from knstack.vocabulary import SERVING_API_VERSION


class RevisionSpec(KubeModel):
    """A PodSpec as Knative accepts it, plus the revision's serving settings (knative/serving pkg/apis/serving/k8s_validation.go; knative/serving pkg/apis/serving/v1/revision_types.go)."""

    containers: list[Container] = Field(default_factory=list)
    init_containers: list[Container] | None = None
    volumes: list[Volume] | None = None
    service_account_name: str | None = None
    image_pull_secrets: list[LocalObjectReference] | None = None
    enable_service_links: bool | None = None
    automount_service_account_token: bool | None = None
    # Allowed only behind a kubernetes.podspec-* feature flag.
    affinity: FreeForm | None = None
    topology_spread_constraints: list[FreeForm] | None = None
    host_aliases: list[FreeForm] | None = None
    node_selector: dict[str, str] | None = None
    tolerations: list[Toleration] | None = None
    runtime_class_name: str | None = None
    security_context: PodSecurityContext | None = None
    share_process_namespace: bool | None = None
    priority_class_name: str | None = None
    scheduler_name: str | None = None
    dns_policy: str | None = None
    dns_config: FreeForm | None = None
    host_ipc: bool | None = Field(default=None, alias="hostIPC")
    host_pid: bool | None = Field(default=None, alias="hostPID")
    host_network: bool | None = None
    # Never allowed by Knative; declared so the validator names them.
    restart_policy: str | None = None
    termination_grace_period_seconds: int | None = None
    active_deadline_seconds: int | None = None
    node_name: str | None = None
    hostname: str | None = None
    subdomain: str | None = None
    priority: int | None = None
    readiness_gates: list[FreeForm] | None = None
    # Knative's own revision settings.
    container_concurrency: int | None = None
    timeout_seconds: int | None = None
    response_start_timeout_seconds: int | None = None
    idle_timeout_seconds: int | None = None


class RevisionTemplateSpec(KubeModel):
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    spec: RevisionSpec = Field(default_factory=RevisionSpec)

    @model_serializer(mode="wrap")
    def _without_empty_metadata(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        # Written back as the user wrote it: no `metadata: {}` where there was none.
        data: dict[str, Any] = handler(self)
        if data.get("metadata") == {}:
            del data["metadata"]
        return data

    def annotations(self) -> dict[str, str]:
        return dict(self.metadata.annotations or {})

    def labels(self) -> dict[str, str]:
        return dict(self.metadata.labels or {})


class TrafficTarget(KubeModel):
    tag: str | None = None
    revision_name: str | None = None
    configuration_name: str | None = None
    latest_revision: bool | None = None
    percent: int | None = None
    url: str | None = None


class ServiceSpec(KubeModel):
    template: RevisionTemplateSpec = Field(default_factory=RevisionTemplateSpec)
    traffic: list[TrafficTarget] | None = None


class ConfigurationSpec(KubeModel):
    template: RevisionTemplateSpec = Field(default_factory=RevisionTemplateSpec)


class RouteSpec(KubeModel):
    traffic: list[TrafficTarget] | None = None


class _ServingObject(KubeModel):
    api_version: Literal["serving.knative.dev/v1"] = SERVING_API_VERSION
    if TYPE_CHECKING:
        kind: str  # each kind's model declares it (a Literal)
    metadata: ObjectMeta = Field(default_factory=ObjectMeta)
    status: FreeForm | None = None  # exported objects carry it; ignored

    @property
    def name(self) -> str:
        return self.metadata.name or ""

    @property
    def namespace(self) -> str | None:
        return self.metadata.namespace

    def ref(self, namespace: str | None = None) -> str:
        """`Kind namespace/name`, the way messages name an object."""
        ns = self.metadata.namespace or namespace or "default"
        return f"{self.kind} {ns}/{self.name or '(unnamed)'}"

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.pop("status", None)
        # apiVersion and kind first, as kubectl writes them.
        return {"apiVersion": out.pop("apiVersion"), "kind": out.pop("kind"), **out}


class Service(_ServingObject):
    kind: Literal["Service"] = "Service"
    spec: ServiceSpec = Field(default_factory=ServiceSpec)


class Configuration(_ServingObject):
    kind: Literal["Configuration"] = "Configuration"
    spec: ConfigurationSpec = Field(default_factory=ConfigurationSpec)


class Route(_ServingObject):
    kind: Literal["Route"] = "Route"
    spec: RouteSpec = Field(default_factory=RouteSpec)


ServingObject = Service | Configuration | Route
SERVING_KINDS: dict[str, type[Service] | type[Configuration] | type[Route]] = {
    "Service": Service,
    "Configuration": Configuration,
    "Route": Route,
}
