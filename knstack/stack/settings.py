"""Typed environment settings: the `knstack:` keys of `stacks/Pulumi.<env>.yaml`.

One model, used by every path (render, Pulumi program, checks, promotion). Keys are
camelCase in YAML, snake_case in Python; unknown keys are rejected so typos surface.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from knstack.api.context import ServingContext
from knstack.api.core import ResourceRequirements
from knstack.api.validation.names import dns1123_label_error, dns1123_subdomain_error
from knstack.stack.analysis_settings import AnalysisSettings
from knstack.stack.base import SettingsModel
from knstack.stack.knative import KnativeSettings, revision_resource_defaults, stack_conflicts
from knstack.stack.policy_settings import PolicySettings
from knstack.stack.release import CanaryPlan, Release, RetentionSettings
from knstack.vocabulary import DEFAULT_KUBERNETES_VERSION

Backend = Literal["kubernetes", "knative"]
# gateway-api: HTTPRoutes on a Gateway API Gateway (the default). nginx: ingress-nginx
# Ingresses with canary annotations (also Alibaba Cloud's NGINX Ingress behind an SLB/CLB).
# alb: Alibaba Cloud ALB Ingresses. istio: Istio VirtualServices on an Istio Gateway.
GatewayKind = Literal["gateway-api", "nginx", "alb", "istio"]
INGRESS_KINDS = ("nginx", "alb")


class GatewayRef(SettingsModel):
    """The gateway external routes attach to, and how traffic is split through it.

    `name`/`namespace` name the Gateway API Gateway (gateway-api) or the Istio Gateway
    (istio); `sectionName` is a Gateway API listener. The Ingress kinds (nginx, alb) use
    `ingressClass` instead (default: the kind's name, as the controllers install it).
    """

    kind: GatewayKind = "gateway-api"
    name: str = "knstack-gateway"
    namespace: str = "knstack-system"
    section_name: str | None = None
    ingress_class: str | None = None

    # Fields are validated in order, so `kind` is known when the per-kind fields are.
    @field_validator("section_name")
    @classmethod
    def _section_name_of_gateway_api(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if value is not None and kind != "gateway-api":
            raise ValueError(f"sectionName is a Gateway API listener; the {kind} gateway has none")
        return value

    @field_validator("ingress_class")
    @classmethod
    def _ingress_class_of_ingress_kinds(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if value is not None:
            if kind not in INGRESS_KINDS:
                raise ValueError(
                    f"ingressClass is only used by the nginx and alb gateways, not {kind}"
                )
            if err := dns1123_subdomain_error(value):
                raise ValueError(err)
        return value

    def with_kind(self, kind: str) -> GatewayRef:
        """The same gateway under another kind, without the fields that kind does not use."""
        data = self.model_dump(exclude_none=True)
        data["kind"] = kind
        if kind != "gateway-api":
            data.pop("section_name", None)
        if kind not in INGRESS_KINDS:
            data.pop("ingress_class", None)
        return GatewayRef.model_validate(data)

    @property
    def ingress_class_name(self) -> str:
        """The IngressClass of the Ingress kinds: as set, else `nginx` or `alb`."""
        return self.ingress_class or self.kind


class InterceptorRef(SettingsModel):
    """The KEDA HTTP add-on's interceptor proxy Service (its Helm chart's defaults)."""

    name: str = "keda-add-ons-http-interceptor-proxy"
    namespace: str = "keda"
    port: int = Field(default=8080, ge=1, le=65535)

    @field_validator("name", "namespace")
    @classmethod
    def _is_label(cls, value: str) -> str:
        if err := dns1123_label_error(value):
            raise ValueError(err)
        return value


class KedaHttpAddOnSettings(SettingsModel):
    """Whether the cluster runs the KEDA HTTP add-on, which scales KPA-class revisions.

    With it, a KPA-class revision (request-driven, may scale to zero) gets an
    HTTPScaledObject and its traffic passes through the add-on's interceptor; without
    it, the revision runs a fixed number of replicas (with a warning).
    """

    enabled: bool = False
    interceptor: InterceptorRef = Field(default_factory=InterceptorRef)


class WorkloadDefaults(SettingsModel):
    """Applied to user containers that leave them unset (like config-defaults revision-*)."""

    resources: ResourceRequirements | None = None


class ReservedInstanceSettings(SettingsModel):
    """A low-spec pod kept instead of scaling to zero (the ASK approach): no cold start.

    `enabled` is the default for revisions that may scale to zero; a template's
    `knstack.dev/reserved-instance` annotation overrides it. `resources` sizes the pod.
    """

    enabled: bool = False
    resources: ResourceRequirements = Field(
        default_factory=lambda: ResourceRequirements(
            requests={"cpu": "25m", "memory": "64Mi"}, limits={"cpu": "250m", "memory": "128Mi"}
        )
    )


class PromotionSettings(SettingsModel):
    """Where this environment's revisions come from.

    The first environment (no `from`) records every new template of the components in
    its ledger. A downstream environment (`from: staging`) gets revisions only by
    promotion: it renders what its own ledger and releases say, whatever the components
    currently define.
    """

    from_: str | None = Field(default=None, alias="from")


class Cluster(SettingsModel):
    """One target cluster of an environment; optional overrides replace environment values."""

    name: str
    context: str | None = None  # kubeconfig context used by the Pulumi provider
    domain: str | None = None
    gateway: GatewayRef | None = None
    keda_http_add_on: KedaHttpAddOnSettings | None = None

    @field_validator("name")
    @classmethod
    def _name_is_label(cls, value: str) -> str:
        if err := dns1123_label_error(value):
            raise ValueError(err)
        return value


class StackSettings(SettingsModel):
    """Everything knstack needs to know about one environment."""

    backend: Backend = "kubernetes"
    namespace: str = "default"
    domain: str = "example.com"
    gateway: GatewayRef = Field(default_factory=GatewayRef)
    keda_http_add_on: KedaHttpAddOnSettings = Field(default_factory=KedaHttpAddOnSettings)
    kubernetes_version: str = DEFAULT_KUBERNETES_VERSION
    clusters: list[Cluster] = Field(default_factory=lambda: [Cluster(name="default")])
    defaults: WorkloadDefaults = Field(default_factory=WorkloadDefaults)
    reserved_instance: ReservedInstanceSettings = Field(default_factory=ReservedInstanceSettings)
    promotion: PromotionSettings = Field(default_factory=PromotionSettings)
    canary: CanaryPlan = Field(default_factory=CanaryPlan)
    releases: dict[str, Release] = Field(default_factory=dict)
    # How long a revision that stops serving keeps its workload with no traffic.
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    manage_namespaces: bool = True  # render the Namespace objects (with Pod Security labels)
    knative: KnativeSettings = Field(default_factory=KnativeSettings)
    policy: PolicySettings = Field(default_factory=PolicySettings)  # how strict `knstack check` is
    analysis: AnalysisSettings = Field(default_factory=AnalysisSettings)  # canary analysis gates

    @field_validator("namespace")
    @classmethod
    def _namespace_is_label(cls, value: str) -> str:
        if err := dns1123_label_error(value):
            raise ValueError(err)
        return value

    @field_validator("domain")
    @classmethod
    def _domain_is_subdomain(cls, value: str) -> str:
        if err := dns1123_subdomain_error(value):
            raise ValueError(err)
        return value

    @field_validator("clusters")
    @classmethod
    def _unique_clusters(cls, clusters: list[Cluster]) -> list[Cluster]:
        names = [c.name for c in clusters]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"duplicate cluster names: {', '.join(duplicates)}")
        if not clusters:
            raise ValueError("at least one cluster is required")
        return clusters

    @model_validator(mode="after")
    def _knative_consistent(self) -> StackSettings:
        conflicts = stack_conflicts(
            self.knative,
            reserved_instance=self.reserved_instance.enabled,
            default_resources=revision_resource_defaults(self.defaults.resources),
        )
        if conflicts:
            raise ValueError("; ".join(conflicts))
        return self

    @model_validator(mode="after")
    def _releases_fit_the_plan(self) -> StackSettings:
        """Waves name exactly the environment's clusters; each release's step exists."""
        problems: list[str] = []
        names = [c.name for c in self.clusters]
        if self.canary.waves:
            listed = [name for wave in self.canary.waves for name in wave]
            unknown = [n for n in listed if n not in names]
            missing = [n for n in names if n not in listed]
            if unknown:
                problems.append(
                    f"canary waves name clusters this environment does not have: {', '.join(unknown)}"
                )
            if missing:
                problems.append(
                    f"canary waves leave out clusters: {', '.join(missing)} (each cluster belongs to one wave)"
                )
        for key, release in self.releases.items():
            if release.stage > len(self.canary.stages):
                problems.append(
                    f"release {key}: stage {release.stage} does not exist (the canary plan has {len(self.canary.stages)})"
                )
            if release.wave > self.canary.wave_count:
                problems.append(
                    f"release {key}: wave {release.wave} does not exist (the canary plan has {self.canary.wave_count})"
                )
            for retained in release.retained:
                unknown = [c for c in retained.clusters if c not in names]
                if unknown:
                    problems.append(
                        f"release {key}: retained {retained.revision} names clusters this environment does not have: {', '.join(unknown)}"
                    )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def features(self) -> dict[str, str]:
        """Every Knative feature flag of the environment (from knative.config.features)."""
        return self.knative.config.features.flags()

    def serving_context(self) -> ServingContext:
        return ServingContext.from_config(self.knative.config)

    def cluster(self, name: str) -> Cluster:
        for cluster in self.clusters:
            if cluster.name == name:
                return cluster
        raise KeyError(name)


class ClusterSettings(BaseModel):
    """The effective settings for one cluster: environment values with its overrides applied."""

    model_config = ConfigDict(frozen=True)

    environment: str
    cluster: str
    stack: StackSettings
    domain: str
    gateway: GatewayRef
    keda_http_add_on: KedaHttpAddOnSettings = Field(default_factory=KedaHttpAddOnSettings)

    @property
    def namespace(self) -> str:
        return self.stack.namespace

    @property
    def context(self) -> str | None:
        """The kubeconfig context the stack names for this cluster (None: the current one)."""
        return next((c.context for c in self.stack.clusters if c.name == self.cluster), None)


def effective_cluster_settings(env: str, stack: StackSettings, cluster: Cluster) -> ClusterSettings:
    return ClusterSettings(
        environment=env,
        cluster=cluster.name,
        stack=stack,
        domain=cluster.domain or stack.domain,
        gateway=cluster.gateway or stack.gateway,
        keda_http_add_on=cluster.keda_http_add_on or stack.keda_http_add_on,
    )


def settings_schema() -> dict[str, Any]:
    """JSON Schema of the `knstack:` settings (for editors and for CI checks)."""
    return StackSettings.model_json_schema(by_alias=True)
