"""Cases of the workload rules (security, secrets, images, probes, resources, hygiene):
one passing and one failing object set per rule, as in policy_cases.py."""

from __future__ import annotations

from policy_case_helpers import (
    CONTAINER,
    DEP2,
    ORDERS_DEP,
    TEA_DEP,
    Case,
    _container,
    _deployment,
    _insecure,
    _secret,
    _set_image,
    _stray_service,
    _with,
)
from policy_harness import Setup

WORKLOAD_CASES: list[Case] = [
    Case(
        "image-no-latest",
        lambda e: [
            _deployment(e, "coffee-00002"),
            _deployment(
                e,
                "tea-00001",
                _set_image("registry.example.com/coffee-shop/tea:latest@sha256:" + "a" * 64),
            ),
        ],
        lambda e: [
            _deployment(e, "coffee-00002", _set_image("registry.example.com/coffee-shop/coffee")),
            _deployment(e, "tea-00001", _set_image("registry.example.com/coffee-shop/tea:latest")),
        ],
        [
            (DEP2, f"{CONTAINER}.image", "has no tag"),
            (TEA_DEP, f"{CONTAINER}.image", "moving tag 'latest'"),
        ],
    ),
    Case(
        "image-digest",
        lambda e: [_deployment(e, "coffee-00002")],
        lambda e: [
            _deployment(
                e, "coffee-00002", _set_image("registry.example.com/coffee-shop/coffee:1.1.0")
            )
        ],
        [(DEP2, f"{CONTAINER}.image", "not pinned by digest")],
        Setup(policy={"requireImageDigests": True}),
    ),
    Case(
        "image-registry",
        lambda e: [_deployment(e, "coffee-00002")],
        lambda e: [
            _deployment(e, "coffee-00002", _set_image("nginx:1.27")),
            _deployment(
                e, "tea-00001", _set_image("registry.example.com.evil.io/coffee-shop/tea:1")
            ),
        ],
        [
            (DEP2, f"{CONTAINER}.image", "'nginx:1.27' is not from an allowed registry"),
            (TEA_DEP, f"{CONTAINER}.image", "evil.io"),
        ],
        Setup(policy={"allowedRegistries": ["registry.example.com/coffee-shop"]}),
    ),
    Case(
        "resources-requests-limits",
        lambda e: [_deployment(e, "coffee-00002")],
        lambda e: [
            _deployment(e, "coffee-00002", lambda d: _container(d)["resources"].pop("limits"))
        ],
        [(DEP2, f"{CONTAINER}.resources", "sets no limits.cpu, limits.memory")],
    ),
    Case(
        "probes-readiness",
        lambda e: [_deployment(e, "coffee-00002"), _deployment(e, "orders-00001")],
        lambda e: [
            _deployment(
                e,
                "coffee-00002",
                lambda d: _container(d).update(readinessProbe={"tcpSocket": {"port": 8080}}),
            ),
            _deployment(e, "tea-00001", lambda d: _container(d).pop("readinessProbe")),
        ],
        [
            (DEP2, f"{CONTAINER}.readinessProbe", "only checks that the port is open"),
            (TEA_DEP, f"{CONTAINER}.readinessProbe", "has no readiness probe"),
        ],
    ),
    Case(
        "probes-liveness",
        lambda e: [_deployment(e, "coffee-00002")],
        lambda e: [_deployment(e, "orders-00001")],  # as the example renders it: no liveness probe
        [(ORDERS_DEP, f"{CONTAINER}.livenessProbe", "has no liveness probe")],
    ),
    Case(
        "pod-security-restricted",
        lambda e: [
            _deployment(e, "coffee-00002"),
            _deployment(e, "tea-00001"),
            _deployment(e, "orders-00001"),
        ],
        lambda e: [_deployment(e, "coffee-00002", _insecure)],
        [
            (DEP2, "spec.template.spec.hostNetwork", "shares the node's namespaces"),
            (DEP2, "spec.template.spec.securityContext.runAsUser", "user 0"),
            (DEP2, "spec.template.spec.volumes[0]", "hostPath is not allowed"),
            (DEP2, f"{CONTAINER}.securityContext.allowPrivilegeEscalation", "must be false"),
            (DEP2, f"{CONTAINER}.securityContext.capabilities.add", "not NET_ADMIN"),
        ],
    ),
    Case(
        "read-only-root-filesystem",
        lambda e: [
            _deployment(
                e,
                "coffee-00002",
                lambda d: _container(d)["securityContext"].update(readOnlyRootFilesystem=True),
            )
        ],
        lambda e: [_deployment(e, "coffee-00002")],  # as rendered: the example does not set it
        [
            (
                DEP2,
                f"{CONTAINER}.securityContext.readOnlyRootFilesystem",
                "can write to its root filesystem",
            )
        ],
    ),
    Case(
        "service-account-token",
        lambda e: [_deployment(e, "coffee-00002")],
        lambda e: [
            _deployment(
                e,
                "coffee-00002",
                lambda d: d["spec"]["template"]["spec"].update(automountServiceAccountToken=True),
            ),
            _deployment(
                e,
                "tea-00001",
                lambda d: d["spec"]["template"]["spec"].pop("automountServiceAccountToken"),
            ),
        ],
        [
            (
                DEP2,
                "spec.template.spec.automountServiceAccountToken",
                "mounts a service account token",
            ),
            (TEA_DEP, "spec.template.spec.automountServiceAccountToken", "unset means true"),
        ],
    ),
    Case(
        "namespace-pod-security",
        lambda e: [e.get("Namespace", "coffee-shop")],
        lambda e: [
            _with(
                e.get("Namespace", "coffee-shop"),
                lambda n: n["metadata"]["labels"].update(
                    {"pod-security.kubernetes.io/enforce": "baseline"}
                ),
            )
        ],
        [
            (
                "Namespace coffee-shop",
                'metadata.labels["pod-security.kubernetes.io/enforce"]',
                "'baseline'",
            )
        ],
    ),
    Case(
        "env-secret-literal",
        lambda e: [_deployment(e, "coffee-00002"), _deployment(e, "orders-00001")],
        lambda e: [
            _deployment(
                e,
                "coffee-00002",
                lambda d: _container(d)["env"].extend(
                    [
                        {"name": "DATABASE_PASSWORD", "value": "hunter2hunter2"},
                        {"name": "DATABASE_URL", "value": "postgres://app:s3cret@db:5432/shop"},
                    ]
                ),
            )
        ],
        # the rendered env is ROAST, PORT, K_REVISION, K_CONFIGURATION, K_SERVICE (0-4)
        [
            (DEP2, f"{CONTAINER}.env[5].value", "named like a secret"),
            (DEP2, f"{CONTAINER}.env[6].value", "looks like a credential"),
        ],
    ),
    Case(
        "secret-plaintext",
        lambda e: [_secret(None)],
        lambda e: [_secret({"password": "hunter2"})],
        [("Secret coffee-shop/orders-db", "stringData", "1 value(s) in plain text")],
    ),
    Case(
        "api-deprecated",
        lambda e: e.manifests(),
        lambda e: [
            _with(
                e.get("HorizontalPodAutoscaler", "tea-00001"),
                lambda h: h.update(apiVersion="autoscaling/v2beta2"),
            )
        ],
        [("HorizontalPodAutoscaler coffee-shop/tea-00001", "apiVersion", "use autoscaling/v2")],
    ),
    Case(
        "env-duplicate",
        lambda e: [_deployment(e, "coffee-00002")],
        lambda e: [
            _deployment(
                e,
                "coffee-00002",
                lambda d: _container(d)["env"].append({"name": "ROAST", "value": "dark"}),
            )
        ],
        [(DEP2, f"{CONTAINER}.env[5].name", "'ROAST' is also set by env[0]")],
    ),
    Case(
        "service-selects-pods",
        lambda e: e.manifests(),
        lambda e: [*e.manifests(), _stray_service()],
        [("Service coffee-shop/stray", "spec.selector", "selects no pods")],
    ),
]
