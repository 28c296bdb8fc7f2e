"""Whole-manifest tests of the kubernetes backend for representative cases.

Expected values come from the Knative facts (sections 1.3-1.5, 2.2-2.3, 3.5), not from
the output: names (`<rev>-deployment`), labels, the HPA metric shapes, h2c ports.
"""

from __future__ import annotations

from pathlib import Path

from tests.core.helpers import build_yaml, manifests_by_key

RESTRICTED = {
    "allowPrivilegeEscalation": False,
    "capabilities": {"drop": ["ALL"]},
    "runAsNonRoot": True,
    "seccompProfile": {"type": "RuntimeDefault"},
}

SPLIT_WITH_TAGS = """
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: shop
  namespace: retail
spec:
  template:
    spec:
      containers:
      - image: registry.example.com/shop:1
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: shop
  namespace: retail
spec:
  template:
    spec:
      containers:
      - image: registry.example.com/shop:2
  traffic:
  - revisionName: shop-00001
    percent: 80
    tag: stable
  - latestRevision: true
    percent: 20
    tag: canary
  - revisionName: shop-00001
    percent: 0
    tag: old
"""


def test_revision_deployment_is_knative_shaped_and_restricted(tmp_path: Path) -> None:
    objects = manifests_by_key(build_yaml(tmp_path, SPLIT_WITH_TAGS))
    labels = {
        "app": "shop-00002",
        "serving.knative.dev/configuration": "shop",
        "serving.knative.dev/configurationGeneration": "2",
        "serving.knative.dev/revision": "shop-00002",
        "serving.knative.dev/service": "shop",
    }
    assert objects[("Deployment", "shop-00002-deployment")] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "shop-00002-deployment", "namespace": "retail", "labels": labels},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": {"serving.knative.dev/revision": "shop-00002"}},
            "progressDeadlineSeconds": 600,
            "revisionHistoryLimit": 0,
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
            },
            "template": {
                "metadata": {
                    "labels": labels,
                    "annotations": {"kubectl.kubernetes.io/default-container": "user-container"},
                },
                "spec": {
                    "containers": [
                        {
                            "name": "user-container",
                            "image": "registry.example.com/shop:2",
                            "ports": [
                                {"name": "user-port", "containerPort": 8080, "protocol": "TCP"}
                            ],
                            "env": [
                                {"name": "PORT", "value": "8080"},
                                {"name": "K_REVISION", "value": "shop-00002"},
                                {"name": "K_CONFIGURATION", "value": "shop"},
                                {"name": "K_SERVICE", "value": "shop"},
                            ],
                            "readinessProbe": {"tcpSocket": {"port": 8080}, "successThreshold": 1},
                            "terminationMessagePolicy": "FallbackToLogsOnError",
                            "securityContext": RESTRICTED,
                        }
                    ],
                    "enableServiceLinks": False,
                    "automountServiceAccountToken": False,
                    "terminationGracePeriodSeconds": 300,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "affinity": {
                        "podAntiAffinity": {
                            "preferredDuringSchedulingIgnoredDuringExecution": [
                                {
                                    "weight": 100,
                                    "podAffinityTerm": {
                                        "topologyKey": "kubernetes.io/hostname",
                                        "labelSelector": {
                                            "matchLabels": {
                                                "serving.knative.dev/revision": "shop-00002"
                                            }
                                        },
                                    },
                                }
                            ]
                        }
                    },
                },
            },
        },
    }


def test_traffic_split_with_tags_becomes_weighted_and_tag_httproutes(tmp_path: Path) -> None:
    objects = manifests_by_key(build_yaml(tmp_path, SPLIT_WITH_TAGS))
    parent = {
        "group": "gateway.networking.k8s.io",
        "kind": "Gateway",
        "name": "knstack-gateway",
        "namespace": "knstack-system",
    }
    match = [{"path": {"type": "PathPrefix", "value": "/"}}]

    def backend(name: str, weight: int) -> dict[str, object]:
        return {"group": "", "kind": "Service", "name": name, "port": 80, "weight": weight}

    route_labels = {"serving.knative.dev/route": "shop", "serving.knative.dev/service": "shop"}
    assert objects[("HTTPRoute", "shop")] == {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "shop", "namespace": "retail", "labels": route_labels},
        "spec": {
            "parentRefs": [parent],
            "hostnames": ["shop.retail.example.com"],
            # The 0% "old" entry is dropped from the default host; percents become weights.
            "rules": [
                {
                    "matches": match,
                    "backendRefs": [backend("shop-00001", 80), backend("shop-00002", 20)],
                }
            ],
        },
    }
    for tag, revision in (
        ("stable", "shop-00001"),
        ("canary", "shop-00002"),
        ("old", "shop-00001"),
    ):
        assert objects[("HTTPRoute", f"{tag}-shop")] == {
            "apiVersion": "gateway.networking.k8s.io/v1",
            "kind": "HTTPRoute",
            "metadata": {
                "name": f"{tag}-shop",
                "namespace": "retail",
                "labels": {"knstack.dev/tag": tag, **route_labels},
            },
            "spec": {
                "parentRefs": [parent],
                "hostnames": [f"{tag}-shop.retail.example.com"],
                "rules": [{"matches": match, "backendRefs": [backend(revision, 100)]}],
            },
        }
    # Both revisions are routed, so both get workloads; nothing else does.
    kinds = sorted(k for k in objects if k[0] in ("Deployment", "Service"))
    assert kinds == [
        ("Deployment", "shop-00001-deployment"),
        ("Deployment", "shop-00002-deployment"),
        ("Service", "shop-00001"),
        ("Service", "shop-00002"),
    ]


H2C = """
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: grpc-ping}
spec:
  template:
    spec:
      containers:
      - image: registry.example.com/grpc-ping:1
        ports:
        - name: h2c
          containerPort: 9000
"""


def test_h2c_port_gives_an_http2_service_on_port_81(tmp_path: Path) -> None:
    objects = manifests_by_key(build_yaml(tmp_path, H2C))
    service = objects[("Service", "grpc-ping-00001")]
    assert service["spec"] == {
        "type": "ClusterIP",
        "selector": {"serving.knative.dev/revision": "grpc-ping-00001"},
        "ports": [
            {
                "name": "http2",
                "port": 81,
                "protocol": "TCP",
                "appProtocol": "kubernetes.io/h2c",
                "targetPort": 9000,
            }
        ],
    }
    container = objects[("Deployment", "grpc-ping-00001-deployment")]["spec"]["template"]["spec"][
        "containers"
    ][0]
    assert container["ports"] == [{"name": "user-port", "containerPort": 9000, "protocol": "TCP"}]
    assert {"name": "PORT", "value": "9000"} in container["env"]
    backends = objects[("HTTPRoute", "grpc-ping")]["spec"]["rules"][0]["backendRefs"]
    assert [b["port"] for b in backends] == [81]


BYO = """
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: blog}
spec:
  template:
    metadata: {name: blog-first}
    spec:
      containers: [{image: "registry.example.com/blog:1"}]
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: blog}
spec:
  template:
    metadata: {name: blog-second}
    spec:
      containers: [{image: "registry.example.com/blog:2"}]
  traffic:
  - {revisionName: blog-first, percent: 50}
  - {revisionName: blog-second, percent: 50, tag: next}
"""


def test_byo_revision_names_name_every_object(tmp_path: Path) -> None:
    build = build_yaml(tmp_path, BYO)
    objects = manifests_by_key(build)
    assert ("Deployment", "blog-first-deployment") in objects
    assert ("Deployment", "blog-second-deployment") in objects
    second = objects[("Deployment", "blog-second-deployment")]
    # The BYO name is still generation 2 of the configuration.
    assert second["metadata"]["labels"]["serving.knative.dev/configurationGeneration"] == "2"
    assert [
        b["name"] for b in objects[("HTTPRoute", "blog")]["spec"]["rules"][0]["backendRefs"]
    ] == ["blog-first", "blog-second"]
    assert objects[("HTTPRoute", "next-blog")]["spec"]["hostnames"] == [
        "next-blog.default.example.com"
    ]


CLUSTER_LOCAL = """
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: orders
  labels:
    networking.knative.dev/visibility: cluster-local
spec:
  template:
    spec:
      containers: [{image: "registry.example.com/orders:1"}]
  traffic:
  - {latestRevision: true, percent: 100, tag: current}
"""


def test_cluster_local_route_gets_in_cluster_services_and_no_external_route(tmp_path: Path) -> None:
    objects = manifests_by_key(build_yaml(tmp_path, CLUSTER_LOCAL))
    assert not any(kind == "HTTPRoute" for kind, _ in objects)
    labels = {
        "networking.knative.dev/visibility": "cluster-local",
        "serving.knative.dev/route": "orders",
        "serving.knative.dev/service": "orders",
    }
    assert objects[("Service", "orders")] == {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "orders", "namespace": "default", "labels": labels},
        "spec": {
            "type": "ClusterIP",
            "selector": {"serving.knative.dev/revision": "orders-00001"},
            "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}],
        },
    }
    assert objects[("Service", "current-orders")]["spec"]["selector"] == {
        "serving.knative.dev/revision": "orders-00001"
    }
    assert (
        objects[("Service", "current-orders")]["metadata"]["labels"]["knstack.dev/tag"] == "current"
    )


def test_cluster_local_split_uses_a_mesh_httproute_and_warns(tmp_path: Path) -> None:
    text = (
        CLUSTER_LOCAL
        + "---\n"
        + CLUSTER_LOCAL.replace("orders:1", "orders:2").replace(
            "  - {latestRevision: true, percent: 100, tag: current}",
            "  - {revisionName: orders-00001, percent: 60}\n  - {latestRevision: true, percent: 40}",
        )
    )
    build = build_yaml(tmp_path, text)
    objects = manifests_by_key(build)
    route = objects[("HTTPRoute", "orders")]
    assert route["spec"]["parentRefs"] == [
        {"group": "", "kind": "Service", "name": "orders", "port": 80}
    ]
    assert [(b["name"], b["weight"]) for b in route["spec"]["rules"][0]["backendRefs"]] == [
        ("orders-00001", 60),
        ("orders-00002", 40),
    ]
    assert "hostnames" not in route["spec"]
    assert objects[("Service", "orders")]["spec"]["selector"] == {
        "serving.knative.dev/configuration": "orders"
    }
    assert any("GAMMA" in w for w in build.warnings)


def test_user_security_fields_win_over_the_defaults(tmp_path: Path) -> None:
    text = """
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: legacy}
spec:
  template:
    spec:
      containers:
      - image: registry.example.com/legacy:1
        securityContext:
          runAsNonRoot: false
          readOnlyRootFilesystem: true
"""
    container = manifests_by_key(build_yaml(tmp_path, text))[
        ("Deployment", "legacy-00001-deployment")
    ]["spec"]["template"]["spec"]["containers"][0]
    assert container["securityContext"] == {
        **RESTRICTED,
        "runAsNonRoot": False,
        "readOnlyRootFilesystem": True,
    }


def test_secret_and_config_mounts_are_read_only_and_probes_get_the_user_port(
    tmp_path: Path,
) -> None:
    text = """
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: app}
spec:
  template:
    spec:
      timeoutSeconds: 45
      containers:
      - image: registry.example.com/app:1
        ports: [{containerPort: 3000}]
        readinessProbe: {httpGet: {path: /ready}, periodSeconds: 0}
        livenessProbe: {tcpSocket: {}}
        volumeMounts:
        - {name: creds, mountPath: /var/creds}
        - {name: scratch, mountPath: /tmp/work}
      volumes:
      - {name: creds, secret: {secretName: app-creds}}
      - {name: scratch, emptyDir: {}}
"""
    pod = manifests_by_key(build_yaml(tmp_path, text))[("Deployment", "app-00001-deployment")][
        "spec"
    ]["template"]["spec"]
    container = pod["containers"][0]
    assert container["volumeMounts"] == [
        {"name": "creds", "mountPath": "/var/creds", "readOnly": True},
        {"name": "scratch", "mountPath": "/tmp/work"},
    ]
    assert container["readinessProbe"] == {
        "httpGet": {"path": "/ready", "port": 3000},
        "periodSeconds": 1,
    }
    assert container["livenessProbe"] == {"tcpSocket": {"port": 3000}}
    assert pod["terminationGracePeriodSeconds"] == 45
    assert pod["volumes"] == [
        {"name": "creds", "secret": {"secretName": "app-creds"}},
        {"name": "scratch", "emptyDir": {}},
    ]
