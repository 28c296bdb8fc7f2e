"""Building blocks of the policy cases: the example's objects, changed one field at a time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from conftest import Example
from policy_harness import Setup

Manifest = dict[str, Any]
CONTAINER = "spec.template.spec.containers[0]"
MAX_SCALE = 'metadata.annotations["autoscaling.knative.dev/max-scale"]'
MIN_SCALE = 'metadata.annotations["autoscaling.knative.dev/min-scale"]'


def _container(obj: Manifest) -> dict[str, Any]:
    return obj["spec"]["template"]["spec"]["containers"][0]


def _with(obj: Manifest, change: Callable[[Manifest], object]) -> Manifest:
    change(obj)
    return obj


def _deployment(
    e: Example, revision: str, change: Callable[[Manifest], object] | None = None
) -> Manifest:
    obj = e.get("Deployment", f"{revision}-deployment")
    return _with(obj, change) if change else obj


def _set_image(image: str) -> Callable[[Manifest], object]:
    return lambda d: _container(d).update(image=image)


def _revision(e: Example, name: str, change: Callable[[Manifest], object]) -> Manifest:
    return _with(e.get("Revision", name), change)


def _traffic_tags(e: Example) -> list[Manifest]:
    route = e.get("HTTPRoute", "candidate-coffee")
    route["metadata"]["labels"]["knstack.dev/tag"] = "Candidate"
    route["spec"]["hostnames"] = ["Candidate-coffee.coffee-shop.coffee.example.com"]
    ksvc = e.ksvc("coffee")
    ksvc["spec"]["traffic"][0]["tag"] = "candidate"  # [1] has the same tag
    return [route, ksvc]


def _hostname_clash(e: Example) -> list[Manifest]:
    copy = e.get("HTTPRoute", "tea")
    copy["metadata"]["name"] = "tea-copy"
    return [*e.manifests(), copy]


def _insecure(d: Manifest) -> None:
    pod = d["spec"]["template"]["spec"]
    pod["hostNetwork"] = True
    pod["securityContext"]["runAsUser"] = 0
    pod["volumes"] = [{"name": "docker", "hostPath": {"path": "/var/run"}}]
    sc = _container(d)["securityContext"]
    sc["allowPrivilegeEscalation"] = True
    sc["capabilities"] = {"add": ["NET_ADMIN"], "drop": ["ALL"]}


def _secret(data: dict[str, str] | None) -> Manifest:
    obj: Manifest = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "orders-db", "namespace": "coffee-shop"},
        "type": "Opaque",
    }
    if data:
        obj["stringData"] = data
    return obj


def _stray_service() -> Manifest:
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "stray", "namespace": "coffee-shop"},
        "spec": {
            "selector": {"serving.knative.dev/revision": "coffee-00099"},
            "ports": [{"port": 80}],
        },
    }


def _second_pdb(e: Example) -> Manifest:
    pdb = e.get("PodDisruptionBudget", "tea-00001")
    pdb["metadata"]["name"] = "tea-strict"
    del pdb["spec"]["maxUnavailable"]
    pdb["spec"]["minAvailable"] = "100%"
    return pdb


def _set_annotation(key: str, value: str | None) -> Callable[[Manifest], object]:
    def change(obj: Manifest) -> None:
        annotations = obj["metadata"]["annotations"]
        if value is None:
            annotations.pop(key, None)
        else:
            annotations[key] = value

    return change


def _drop_pdb(e: Example) -> list[Manifest]:
    objects = [o for o in e.manifests() if o["kind"] != "PodDisruptionBudget"]
    coffee = _deployment(e, "coffee-00002", lambda d: d["spec"].update(replicas=3))
    return e.replace(objects, coffee)


DEP2 = "Deployment coffee-shop/coffee-00002-deployment"
TEA_DEP = "Deployment coffee-shop/tea-00001-deployment"
ORDERS_DEP = "Deployment coffee-shop/orders-00001-deployment"


@dataclass
class Case:
    rule: str
    passing: Callable[[Example], list[Manifest]]
    failing: Callable[[Example], list[Manifest]]
    expected: list[tuple[str, str, str]]  # (object it names, field, message fragment)
    setup: Setup = field(default_factory=Setup)
    failing_setup: Setup | None = None  # when the failure is in the setup (canary steps)
