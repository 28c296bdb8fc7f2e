"""knstack's Pulumi ComponentResources: each registers the objects the expansion produced.

    knstack:environment:Cluster         one target cluster (its provider comes from here)
      kubernetes:core/v1:Namespace      the applications' namespaces and shared objects
      knstack:platform:KnativeServing   the Knative Serving install (knative backend)
      knstack:serving:Service           a Knative Service
        knstack:serving:Configuration   its revisions' objects (kubernetes backend)
        knstack:serving:Route           its routing objects (kubernetes backend)
        serving.knative.dev/v1 Service  the Service itself (knative backend)
      knstack:serving:Configuration     a standalone Configuration
      knstack:serving:Route             a standalone Route

Nothing here computes a manifest: the components receive the cluster's expansion
(`knstack.build`), split by `knstack.pulumi.attribution`, and register each object once
(`knstack.pulumi.resources`). Their outputs (URLs, traffic tables) are Knative's status
fields, computed from the plan by `knstack.pulumi.outputs`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from knstack.build import ClusterBuild
from knstack.pulumi.attribution import ClusterLayout, ServiceGroup, lay_out
from knstack.pulumi.outputs import configuration_outputs, route_outputs, service_outputs
from knstack.pulumi.resources import ClusterRegistry, snake_case
from knstack.resolve.model import ConfigurationPlan, RoutePlan, ServingPlan
from knstack.stack.settings import ClusterSettings
from knstack.vocabulary import Manifest

Key = tuple[str, str]  # (namespace, name)


class _Component(pulumi.ComponentResource):
    """Exposes each registered output as an attribute too (`url`, `traffic`, ...)."""

    outputs: dict[str, Any]

    def _finish(self, outputs: dict[str, Any], *, attributes: bool = True) -> None:
        self.outputs = outputs
        if attributes:
            for key, value in outputs.items():
                setattr(self, snake_case(key), pulumi.Output.from_input(value))
        self.register_outputs(outputs)


@dataclass
class ConfigurationArgs:
    registry: ClusterRegistry
    settings: ClusterSettings
    manifests: list[Manifest] = field(default_factory=list)
    plan: ConfigurationPlan | None = None
    served: list[str] = field(default_factory=list)  # revisions this cluster runs


class Configuration(_Component):
    """A Knative Configuration: the objects of the revisions that serve or carry a tag."""

    TYPE = "knstack:serving:Configuration"

    def __init__(
        self, name: str, args: ConfigurationArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self.resources = args.registry.register_all(args.manifests, self)
        self._finish(configuration_outputs(args.plan, args.served) if args.plan else {})


@dataclass
class RouteArgs:
    registry: ClusterRegistry
    settings: ClusterSettings
    manifests: list[Manifest] = field(default_factory=list)
    plan: RoutePlan | None = None


class Route(_Component):
    """A Knative Route: the gateway objects of its default host and of each tag.

    Each routing object waits for the objects of the revisions it routes to (a
    Deployment is ready once Available), so traffic moves only to running revisions. The
    other way round needs nothing here: Pulumi deletes what the program no longer
    registers only after every create and update has finished, so a route has moved
    before a workload it used is removed (and retention keeps that workload a release
    longer, `knstack.stack.release`).
    """

    TYPE = "knstack:serving:Route"

    def __init__(
        self, name: str, args: RouteArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        plan = args.plan
        after = (
            args.registry.revision_objects(plan.namespace, plan.routed_revisions()) if plan else []
        )
        self.resources = args.registry.register_all(args.manifests, self, after)
        self._finish(route_outputs(args.plan, args.settings) if args.plan else {})


@dataclass
class ServiceArgs:
    registry: ClusterRegistry
    settings: ClusterSettings
    objects: ServiceGroup
    configuration: ConfigurationPlan | None = None
    route: RoutePlan | None = None
    served: list[str] = field(default_factory=list)


class Service(_Component):
    """A Knative Service: the Service CR itself (knative backend), or the Configuration and
    Route it stands for (kubernetes backend), as child components of the same name."""

    TYPE = "knstack:serving:Service"

    def __init__(
        self, name: str, args: ServiceArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        objects = args.objects
        self.resources = args.registry.register_all(objects.own, self)
        self.configuration: Configuration | None = None
        self.route: Route | None = None
        if objects.configuration or objects.route or not objects.own:
            child = pulumi.ResourceOptions(parent=self)
            self.configuration = Configuration(
                name,
                ConfigurationArgs(
                    args.registry,
                    args.settings,
                    objects.configuration,
                    args.configuration,
                    args.served,
                ),
                child,
            )
            self.route = Route(
                name, RouteArgs(args.registry, args.settings, objects.route, args.route), child
            )
        outputs: dict[str, Any] = {}
        if args.configuration is not None and args.route is not None:
            outputs = service_outputs(args.configuration, args.route, args.served, args.settings)
        self._finish(outputs)


@dataclass
class KnativeServingArgs:
    registry: ClusterRegistry
    settings: ClusterSettings
    manifests: list[Manifest]


class KnativeServing(_Component):
    """The Knative Serving control plane: CRDs, controller, autoscaler, activator, webhook,
    the networking layer and the typed ConfigMaps (knative backend with `knative.install`)."""

    TYPE = "knstack:platform:KnativeServing"

    def __init__(
        self, name: str, args: KnativeServingArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        self.resources = args.registry.register_all(args.manifests, self)
        knative = args.settings.stack.knative
        namespaces = sorted(
            m["metadata"]["name"] for m in args.manifests if m["kind"] == "Namespace"
        )
        self._finish(
            {"version": knative.version, "networking": knative.networking, "namespaces": namespaces}
        )


@dataclass
class ClusterArgs:
    build: ClusterBuild
    plan: ServingPlan


class Cluster(_Component):
    """Everything one cluster of an environment runs. Give it the cluster's provider
    (`providers=[...]`); its children inherit it."""

    TYPE = "knstack:environment:Cluster"

    def __init__(
        self, name: str, args: ClusterArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(self.TYPE, name, None, opts)
        settings = args.build.settings
        plan = args.plan
        self.registry = ClusterRegistry(settings.cluster)
        layout = lay_out(args.build.manifests)
        child = pulumi.ResourceOptions(parent=self)
        # The control plane first: its namespaces and CRDs are what the rest depends on.
        self.platform: KnativeServing | None = None
        if layout.platform:
            self.platform = KnativeServing(
                settings.cluster,
                KnativeServingArgs(self.registry, settings, layout.platform),
                child,
            )
        self.resources = self.registry.register_all(layout.cluster, self)
        # Knative's admission webhook must be up before Knative objects are applied.
        serving = pulumi.ResourceOptions(
            parent=self, depends_on=[self.platform] if self.platform else []
        )

        index = _PlanIndex.of(plan)
        self.services = self._services(settings, layout, index, serving)
        self.configurations = self._configurations(settings, layout, index, serving)
        self.routes = self._routes(settings, layout, index, serving)
        self._finish(
            {
                "services": {_ref(k): c.outputs for k, c in self.services.items()},
                "configurations": {_ref(k): c.outputs for k, c in self.configurations.items()},
                "routes": {_ref(k): c.outputs for k, c in self.routes.items()},
                "platform": self.platform.outputs if self.platform else None,
            },
            attributes=False,  # the child components are the attributes
        )

    def _services(
        self,
        settings: ClusterSettings,
        layout: ClusterLayout,
        index: _PlanIndex,
        serving: pulumi.ResourceOptions,
    ) -> dict[Key, Service]:
        """One component per Knative Service of the plan or of the rendered layout."""
        service_keys = {
            (c.namespace, c.service) for c in index.configurations.values() if c.service is not None
        }
        out: dict[Key, Service] = {}
        for key in sorted(service_keys | set(layout.services)):
            group = layout.services.get(key) or ServiceGroup(*key)
            out[key] = Service(
                self._child_name(key),
                ServiceArgs(
                    self.registry,
                    settings,
                    group,
                    index.configurations.get(key),
                    index.routes.get(key),
                    index.served.get(key, []),
                ),
                serving,
            )
        return out

    def _configurations(
        self,
        settings: ClusterSettings,
        layout: ClusterLayout,
        index: _PlanIndex,
        serving: pulumi.ResourceOptions,
    ) -> dict[Key, Configuration]:
        """Configurations that no Service owns."""
        standalone = {k for k, c in index.configurations.items() if c.service is None}
        out: dict[Key, Configuration] = {}
        for key in sorted(standalone | set(layout.configurations)):
            out[key] = Configuration(
                self._child_name(key),
                ConfigurationArgs(
                    self.registry,
                    settings,
                    layout.configurations.get(key, []),
                    index.configurations.get(key),
                    index.served.get(key, []),
                ),
                serving,
            )
        return out

    def _routes(
        self,
        settings: ClusterSettings,
        layout: ClusterLayout,
        index: _PlanIndex,
        serving: pulumi.ResourceOptions,
    ) -> dict[Key, Route]:
        """Routes that no Service owns."""
        standalone = {k for k, r in index.routes.items() if r.service is None}
        out: dict[Key, Route] = {}
        for key in sorted(standalone | set(layout.routes)):
            out[key] = Route(
                self._child_name(key),
                RouteArgs(
                    self.registry, settings, layout.routes.get(key, []), index.routes.get(key)
                ),
                serving,
            )
        return out

    def _child_name(self, key: Key) -> str:
        return f"{self.registry.cluster}/{key[0]}/{key[1]}"


@dataclass(frozen=True)
class _PlanIndex:
    """The plan's configurations and routes by (namespace, name), and the revisions each
    configuration runs."""

    configurations: dict[Key, ConfigurationPlan]
    routes: dict[Key, RoutePlan]
    served: dict[Key, list[str]]

    @classmethod
    def of(cls, plan: ServingPlan) -> _PlanIndex:
        return cls(
            {(c.namespace, c.name): c for c in plan.configurations},
            {(r.namespace, r.name): r for r in plan.routes},
            _served_revisions(plan),
        )


def _ref(key: Key) -> str:
    return f"{key[0]}/{key[1]}"


def _served_revisions(plan: ServingPlan) -> dict[Key, list[str]]:
    """Per configuration, the revisions that get traffic or a tag (the ones that run)."""
    out: dict[Key, list[str]] = {}
    for revision in plan.revisions:
        out.setdefault((revision.namespace, revision.configuration), []).append(revision.name)
    return out
