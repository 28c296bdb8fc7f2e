"""What kwok simulates beyond its own stages, and the fake node of a local cluster.

kwok's node and pod stages (copied from its module into .tools/kwok-stages by the bootstrap)
make nodes Ready and pods Running. A local cluster has no cloud controller, so a Service of
type LoadBalancer (Kourier's gateway in the `lab` environment) would never get an address and
anything awaiting it (Pulumi's Service await) would wait forever: the stage below gives such a
Service the loopback address, as a local cluster's load balancer would (kind's cloud-provider-kind
and minikube tunnel do the same).
"""

from __future__ import annotations

from typing import Any

FAKE_NODE_ANNOTATION = "kwok.x-k8s.io/node"

SERVICE_LOAD_BALANCER_STAGE: dict[str, Any] = {
    "apiVersion": "kwok.x-k8s.io/v1alpha1",
    "kind": "Stage",
    "metadata": {"name": "knstack-service-load-balancer"},
    "spec": {
        "resourceRef": {"apiGroup": "v1", "kind": "Service"},
        "selector": {
            "matchExpressions": [
                {"key": ".spec.type", "operator": "In", "values": ["LoadBalancer"]},
                {"key": ".status.loadBalancer.ingress", "operator": "DoesNotExist"},
            ]
        },
        "next": {"statusTemplate": "loadBalancer:\n  ingress:\n  - ip: 127.0.0.1\n"},
    },
}


def fake_node(name: str) -> dict[str, Any]:
    """A node kwok manages (by the annotation); kwok's node-initialize stage fills its status
    with ample allocatable cpu, memory and pods."""
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "annotations": {FAKE_NODE_ANNOTATION: "fake"},
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "type": "kwok",
            },
        },
        "spec": {},
    }
