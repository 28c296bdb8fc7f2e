"""The Kubernetes Service of a revision (Knative revision Service, knative/serving pkg/reconciler/revision/resources/).

Knative's public revision Service has no selector (the activator or SKS fills its
endpoints); without Knative it selects the revision's pods and targets the user port.
"""

from __future__ import annotations

from typing import Any

from knstack.api.validation.podspec import user_port
from knstack.expand.labels import object_meta, revision_labels, revision_selector
from knstack.resolve.model import RevisionPlan

H2C_APP_PROTOCOL = "kubernetes.io/h2c"


def revision_service_port(rev: RevisionPlan) -> int:
    """The port a route sends to: 80 (HTTP/1), or 81 when the user port is named h2c."""
    _, name = user_port(rev.template.spec)
    return 81 if name == "h2c" else 80


def build_service_ports(rev: RevisionPlan) -> list[dict[str, Any]]:
    port, name = user_port(rev.template.spec)
    if name == "h2c":
        return [
            {
                "name": "http2",
                "port": 81,
                "protocol": "TCP",
                "appProtocol": H2C_APP_PROTOCOL,
                "targetPort": port,
            }
        ]
    return [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": port}]


def build_revision_service(rev: RevisionPlan) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": object_meta(rev.name, rev.namespace, revision_labels(rev)),
        "spec": {
            "type": "ClusterIP",
            "selector": revision_selector(rev),
            "ports": build_service_ports(rev),
        },
    }
