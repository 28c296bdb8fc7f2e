"""Service accounts, roles and bindings of Knative Serving (config/core/200-*, knative/serving config/core/200-roles/).

The controller's ClusterRole `knative-serving-admin` aggregates every ClusterRole labelled
`serving.knative.dev/controller: "true"` (the core role here, the networking layer's too).
"""

from __future__ import annotations

from typing import Any

from knstack.expand.platform.common import SYSTEM_NAMESPACE, Install, metadata
from knstack.expand.result import Manifest
from knstack.vocabulary import CONTROLLER_AGGREGATION_LABEL

RBAC = "rbac.authorization.k8s.io/v1"
CRUD = ["get", "list", "create", "update", "delete", "patch", "watch"]
READ = ["get", "list", "watch"]
KNATIVE_GROUPS = [
    "serving.knative.dev",
    "autoscaling.internal.knative.dev",
    "networking.internal.knative.dev",
]
INTERNAL_GROUPS = [
    "networking.internal.knative.dev",
    "autoscaling.internal.knative.dev",
    "caching.internal.knative.dev",
]


def rule(
    groups: list[str], resources: list[str], verbs: list[str], names: list[str] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {"apiGroups": groups, "resources": resources, "verbs": verbs}
    if names:
        out["resourceNames"] = names
    return out


def service_account(install: Install, name: str, component: str) -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": metadata(name, SYSTEM_NAMESPACE, install.labels(component)),
    }


def role(
    kind: str,
    name: str,
    labels: dict[str, str],
    rules: list[dict[str, Any]] | None,
    namespace: str | None = None,
    aggregate: dict[str, str] | None = None,
) -> Manifest:
    out: Manifest = {
        "apiVersion": RBAC,
        "kind": kind,
        "metadata": metadata(name, namespace, labels),
    }
    if aggregate is not None:
        out["aggregationRule"] = {"clusterRoleSelectors": [{"matchLabels": aggregate}]}
    if rules is not None:
        out["rules"] = rules
    return out


def binding(
    kind: str,
    name: str,
    labels: dict[str, str],
    account: str,
    role_kind: str,
    role_name: str,
    namespace: str | None = None,
) -> Manifest:
    return {
        "apiVersion": RBAC,
        "kind": kind,
        "metadata": metadata(name, namespace, labels),
        "subjects": [{"kind": "ServiceAccount", "name": account, "namespace": SYSTEM_NAMESPACE}],
        "roleRef": {"kind": role_kind, "name": role_name, "apiGroup": "rbac.authorization.k8s.io"},
    }


def build_rbac(install: Install) -> list[Manifest]:
    """Service accounts, roles and bindings of the controller and the activator, in
    Knative's release order."""
    plain = install.labels()
    controller_role = {CONTROLLER_AGGREGATION_LABEL: "true", **plain}
    return [
        service_account(install, "controller", "controller"),
        service_account(install, "activator", "activator"),
        *_cluster_roles(plain, controller_role),
        *_namespaced_roles(plain),
        *_activator_roles(controller_role),
        *_bindings(install),
    ]


def _cluster_roles(plain: dict[str, str], controller_role: dict[str, str]) -> list[Manifest]:
    """The controller's aggregated admin role and the duck-typing roles."""
    return [
        role(
            "ClusterRole",
            "knative-serving-admin",
            plain,
            None,
            aggregate={CONTROLLER_AGGREGATION_LABEL: "true"},
        ),
        role("ClusterRole", "knative-serving-core", controller_role, _core_rules()),
        role(
            "ClusterRole",
            "knative-serving-aggregated-addressable-resolver",
            plain,
            None,
            aggregate={"duck.knative.dev/addressable": "true"},
        ),
        role(
            "ClusterRole",
            "knative-serving-addressable-resolver",
            {**plain, "duck.knative.dev/addressable": "true"},
            [
                rule(
                    ["serving.knative.dev"],
                    ["routes", "routes/status", "services", "services/status"],
                    READ,
                )
            ],
        ),
        role(
            "ClusterRole",
            "knative-serving-podspecable-binding",
            {**plain, "duck.knative.dev/podspecable": "true"},
            [
                rule(
                    ["serving.knative.dev"],
                    ["configurations", "services"],
                    ["list", "watch", "patch"],
                )
            ],
        ),
    ]


def _activator_roles(controller_role: dict[str, str]) -> list[Manifest]:
    """The activator reads configuration and its certificates, and finds revisions' pods."""
    return [
        role(
            "Role",
            "knative-serving-activator",
            controller_role,
            [
                rule([""], ["configmaps", "secrets"], READ),
                rule([""], ["secrets"], READ, ["routing-serving-certs", "knative-serving-certs"]),
            ],
            namespace=SYSTEM_NAMESPACE,
        ),
        role(
            "ClusterRole",
            "knative-serving-activator-cluster",
            controller_role,
            [
                rule([""], ["services", "endpoints"], READ),
                rule(["serving.knative.dev"], ["revisions"], READ),
            ],
        ),
    ]


def _bindings(install: Install) -> list[Manifest]:
    return [
        binding(
            "ClusterRoleBinding",
            "knative-serving-controller-admin",
            install.labels("controller"),
            "controller",
            "ClusterRole",
            "knative-serving-admin",
        ),
        binding(
            "ClusterRoleBinding",
            "knative-serving-controller-addressable-resolver",
            install.labels("controller"),
            "controller",
            "ClusterRole",
            "knative-serving-aggregated-addressable-resolver",
        ),
        binding(
            "RoleBinding",
            "knative-serving-activator",
            install.labels("activator"),
            "activator",
            "Role",
            "knative-serving-activator",
            SYSTEM_NAMESPACE,
        ),
        binding(
            "ClusterRoleBinding",
            "knative-serving-activator-cluster",
            install.labels("activator"),
            "activator",
            "ClusterRole",
            "knative-serving-activator-cluster",
        ),
    ]


def _core_rules() -> list[dict[str, Any]]:
    """knative-serving-core: what the controller, autoscaler and webhook need (knative/serving config/core/200-roles/)."""
    return [
        rule(
            [""],
            [
                "pods",
                "namespaces",
                "secrets",
                "configmaps",
                "endpoints",
                "services",
                "events",
                "serviceaccounts",
            ],
            CRUD,
        ),
        rule([""], ["endpoints/restricted"], ["create"]),
        rule(["discovery.k8s.io"], ["endpointslices/restricted"], ["create"]),
        rule([""], ["namespaces/finalizers"], ["update"]),
        rule(["discovery.k8s.io"], ["endpointslices"], CRUD),
        rule(["apps"], ["deployments", "deployments/finalizers"], CRUD),
        rule(
            ["admissionregistration.k8s.io"],
            ["mutatingwebhookconfigurations", "validatingwebhookconfigurations"],
            CRUD,
        ),
        rule(
            ["apiextensions.k8s.io"],
            ["customresourcedefinitions", "customresourcedefinitions/status"],
            CRUD,
        ),
        rule(["autoscaling"], ["horizontalpodautoscalers"], CRUD),
        rule(["coordination.k8s.io"], ["leases"], CRUD),
        rule(
            KNATIVE_GROUPS,
            ["*", "*/status", "*/finalizers"],
            ["get", "list", "create", "update", "delete", "deletecollection", "patch", "watch"],
        ),
        rule(["caching.internal.knative.dev"], ["images"], CRUD),
        rule(
            ["cert-manager.io"],
            ["certificates", "clusterissuers", "certificaterequests", "issuers"],
            CRUD,
        ),
        rule(["acme.cert-manager.io"], ["challenges"], CRUD),
        rule(
            ["rbac.authorization.k8s.io"],
            ["clusterroles"],
            ["delete"],
            ["knative-serving-certmanager"],
        ),
        rule(["*"], ["*/scale"], ["patch"]),
    ]


def _namespaced_roles(plain: dict[str, str]) -> list[Manifest]:
    """Roles that aggregate to the built-in admin, edit and view roles of every namespace."""
    return [
        role(
            "ClusterRole",
            "knative-serving-namespaced-admin",
            {"rbac.authorization.k8s.io/aggregate-to-admin": "true", **plain},
            [rule(["serving.knative.dev"], ["*"], ["*"]), rule(INTERNAL_GROUPS, ["*"], READ)],
        ),
        role(
            "ClusterRole",
            "knative-serving-namespaced-edit",
            {"rbac.authorization.k8s.io/aggregate-to-edit": "true", **plain},
            [
                rule(["serving.knative.dev"], ["*"], ["create", "update", "patch", "delete"]),
                rule(INTERNAL_GROUPS, ["*"], READ),
            ],
        ),
        role(
            "ClusterRole",
            "knative-serving-namespaced-view",
            {"rbac.authorization.k8s.io/aggregate-to-view": "true", **plain},
            [rule(["serving.knative.dev", *INTERNAL_GROUPS], ["*"], READ)],
        ),
    ]
