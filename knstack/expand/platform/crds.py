"""The CustomResourceDefinitions of Knative Serving (config/core/300-resources, knative/serving config/core/300-resources/).

Two sources, chosen per environment (`knative.crds.path`):
- generated (default): built here from a typed table of each resource's group, names,
  scope, versions and printer columns. Their schemas are structural but open
  (`x-kubernetes-preserve-unknown-fields` on spec and status): the Knative webhook, which
  the install always runs, validates every object fully, and nothing a newer client or
  the controller writes is ever pruned. What is lost is `kubectl explain` and field-level
  server-side apply merging, so teams that want them point `path` at the release's
  `serving-crds.yaml`.
- a file or directory: the release's own CRDs, loaded at build time (knstack.stack.knative).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from knstack.errors import InputError, Problem
from knstack.expand.platform.common import Install, metadata
from knstack.expand.result import Manifest

CRD_API = "apiextensions.k8s.io/v1"
_COLUMNS_READY = (
    ("Ready", "string", ".status.conditions[?(@.type=='Ready')].status"),
    ("Reason", "string", ".status.conditions[?(@.type=='Ready')].reason"),
)


@dataclass(frozen=True)
class Resource:
    kind: str
    plural: str
    group: str
    version: str
    categories: tuple[str, ...]
    short_names: tuple[str, ...] = ()
    columns: tuple[tuple[str, str, str], ...] = _COLUMNS_READY
    scope: str = "Namespaced"
    component: str | None = None
    duck: tuple[str, ...] = ()  # duck.knative.dev/<kind>: "true" labels
    has_status: bool = True

    @property
    def name(self) -> str:
        return f"{self.plural}.{self.group}"


SERVING, AUTOSCALING, NETWORKING, CACHING = (
    "serving.knative.dev",
    "autoscaling.internal.knative.dev",
    "networking.internal.knative.dev",
    "caching.internal.knative.dev",
)
_USER = ("all", "knative", "serving")
RESOURCES: tuple[Resource, ...] = (
    Resource(
        "Certificate",
        "certificates",
        NETWORKING,
        "v1alpha1",
        ("knative-internal", "networking"),
        ("kcert",),
        (
            ("Ready", "string", '.status.conditions[?(@.type=="Ready")].status'),
            ("Reason", "string", '.status.conditions[?(@.type=="Ready")].reason'),
        ),
        component="networking",
    ),
    Resource(
        "Configuration",
        "configurations",
        SERVING,
        "v1",
        _USER,
        ("config", "cfg"),
        (
            ("LatestCreated", "string", ".status.latestCreatedRevisionName"),
            ("LatestReady", "string", ".status.latestReadyRevisionName"),
            *_COLUMNS_READY,
        ),
        duck=("podspecable",),
    ),
    Resource(
        "ClusterDomainClaim",
        "clusterdomainclaims",
        NETWORKING,
        "v1alpha1",
        ("knative-internal", "networking"),
        ("cdc",),
        (),
        scope="Cluster",
        component="networking",
        has_status=False,
    ),
    Resource(
        "DomainMapping",
        "domainmappings",
        SERVING,
        "v1beta1",
        _USER,
        ("dm",),
        (("URL", "string", ".status.url"), *_COLUMNS_READY),
    ),
    Resource(
        "Ingress",
        "ingresses",
        NETWORKING,
        "v1alpha1",
        ("knative-internal", "networking"),
        ("kingress", "king"),
        component="networking",
    ),
    Resource("Metric", "metrics", AUTOSCALING, "v1alpha1", ("knative-internal", "autoscaling")),
    Resource(
        "PodAutoscaler",
        "podautoscalers",
        AUTOSCALING,
        "v1alpha1",
        ("knative-internal", "autoscaling"),
        ("kpa", "pa"),
        (
            ("DesiredScale", "integer", ".status.desiredScale"),
            ("ActualScale", "integer", ".status.actualScale"),
            *_COLUMNS_READY,
        ),
    ),
    Resource(
        "Revision",
        "revisions",
        SERVING,
        "v1",
        _USER,
        ("rev",),
        (
            ("Config Name", "string", ".metadata.labels['serving\\.knative\\.dev/configuration']"),
            (
                "Generation",
                "string",
                ".metadata.labels['serving\\.knative\\.dev/configurationGeneration']",
            ),
            *_COLUMNS_READY,
            ("Actual Replicas", "integer", ".status.actualReplicas"),
            ("Desired Replicas", "integer", ".status.desiredReplicas"),
        ),
    ),
    Resource(
        "Route",
        "routes",
        SERVING,
        "v1",
        _USER,
        ("rt",),
        (("URL", "string", ".status.url"), *_COLUMNS_READY),
        duck=("addressable",),
    ),
    Resource(
        "ServerlessService",
        "serverlessservices",
        NETWORKING,
        "v1alpha1",
        ("knative-internal", "networking"),
        ("sks",),
        (
            ("Mode", "string", ".spec.mode"),
            ("Activators", "integer", ".spec.numActivators"),
            ("ServiceName", "string", ".status.serviceName"),
            ("PrivateServiceName", "string", ".status.privateServiceName"),
            *_COLUMNS_READY,
        ),
        component="networking",
    ),
    Resource(
        "Service",
        "services",
        SERVING,
        "v1",
        _USER,
        ("kservice", "ksvc"),
        (
            ("URL", "string", ".status.url"),
            ("LatestCreated", "string", ".status.latestCreatedRevisionName"),
            ("LatestReady", "string", ".status.latestReadyRevisionName"),
            *_COLUMNS_READY,
        ),
        duck=("addressable", "podspecable"),
    ),
    Resource(
        "Image",
        "images",
        CACHING,
        "v1alpha1",
        ("knative-internal", "caching"),
        (),
        (("Image", "string", ".spec.image"),),
    ),
)
CRD_NAMES = frozenset(r.name for r in RESOURCES)
_OPEN_OBJECT: dict[str, Any] = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


def build_crds(install: Install) -> list[Manifest]:
    documents = install.knative.crds.documents
    if install.knative.crds.path is not None:
        if documents is None:
            raise InputError(
                Problem(
                    "the CRDs were not loaded from the file; load them with the environment",
                    field="knstack:knative.crds.path",
                )
            )
        return [dict(doc) for doc in documents]
    return [_generated(install, resource) for resource in RESOURCES]


def _generated(install: Install, resource: Resource) -> Manifest:
    labels = install.labels(resource.component)
    labels["knative.dev/crd-install"] = "true"
    labels.update({f"duck.knative.dev/{duck}": "true" for duck in resource.duck})
    names: dict[str, Any] = {
        "kind": resource.kind,
        "plural": resource.plural,
        "singular": resource.kind.lower(),
        "categories": list(resource.categories),
    }
    if resource.short_names:
        names["shortNames"] = list(resource.short_names)
    properties: dict[str, Any] = {
        "apiVersion": {"type": "string"},
        "kind": {"type": "string"},
        "metadata": {"type": "object"},
        "spec": dict(_OPEN_OBJECT),
    }
    if resource.has_status:
        properties["status"] = dict(_OPEN_OBJECT)
    version: dict[str, Any] = {
        "name": resource.version,
        "served": True,
        "storage": True,
        "subresources": {"status": {}},
        "schema": {"openAPIV3Schema": {"type": "object", "properties": properties}},
    }
    if resource.columns:
        version["additionalPrinterColumns"] = [
            {"name": n, "type": t, "jsonPath": p} for n, t, p in resource.columns
        ]
    return {
        "apiVersion": CRD_API,
        "kind": "CustomResourceDefinition",
        "metadata": metadata(resource.name, None, labels),
        "spec": {
            "group": resource.group,
            "names": names,
            "scope": resource.scope,
            "versions": [version],
        },
    }
