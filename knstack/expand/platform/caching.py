"""Objects Knative ships beside its workloads: the queue-proxy image cache entry and the
system-internal certificate (config/core/999-cache.yaml, 300-knativecertificate.yaml)."""

from __future__ import annotations

from knstack.expand.platform.common import SYSTEM_NAMESPACE, Install, metadata
from knstack.expand.result import Manifest

CERTIFICATE_CLASS = "networking.knative.dev/certificate.class"


def build_queue_proxy_image(install: Install) -> Manifest:
    """Lets an image-caching extension pre-pull the sidecar every revision pod runs."""
    return {
        "apiVersion": "caching.internal.knative.dev/v1alpha1",
        "kind": "Image",
        "metadata": metadata("queue-proxy", SYSTEM_NAMESPACE, install.labels("queue-proxy")),
        "spec": {"image": install.image("queue-proxy")},
    }


def build_routing_certificate() -> Manifest:
    """The certificate for system-internal TLS (used only when config-network enables it)."""
    return {
        "apiVersion": "networking.internal.knative.dev/v1alpha1",
        "kind": "Certificate",
        "metadata": {
            "annotations": {CERTIFICATE_CLASS: "cert-manager.certificate.networking.knative.dev"},
            "labels": {"networking.knative.dev/certificate-type": "system-internal"},
            "name": "routing-serving-certs",
            "namespace": SYSTEM_NAMESPACE,
        },
        "spec": {
            "dnsNames": ["kn-routing", "data-plane.knative.dev"],
            "secretName": "routing-serving-certs",
        },
    }
