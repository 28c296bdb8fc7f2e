"""Rendered-against-live comparison (knstack.live.compare), without a cluster."""

from __future__ import annotations

import copy

from knstack.live.compare import changed_fields

RENDERED = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {
        "name": "coffee-00001-deployment",
        "namespace": "coffee-shop",
        "labels": {"app": "coffee"},
    },
    "spec": {
        "template": {
            "spec": {
                "containers": [
                    {
                        "name": "user-container",
                        "image": "registry.example/coffee:1",
                        "env": [{"name": "EMPTY", "value": ""}, {"name": "TARGET", "value": "x"}],
                        "resources": {"requests": {"cpu": "1000m", "memory": "1Gi"}},
                    }
                ]
            }
        }
    },
}


def live_copy() -> dict:
    live = copy.deepcopy(RENDERED)
    live["metadata"].update(uid="u", resourceVersion="7", managedFields=[{"manager": "knstack"}])
    live["status"] = {"replicas": 1}
    container = live["spec"]["template"]["spec"]["containers"][0]
    container["resources"]["requests"] = {"cpu": "1", "memory": "1073741824"}  # canonical forms
    del container["env"][0]["value"]  # omitempty drops ""
    container["terminationMessagePath"] = "/dev/termination-log"  # a server default
    live["spec"]["template"]["spec"]["containers"].reverse()
    return live


def test_server_owned_fields_defaults_and_spellings_are_not_drift() -> None:
    assert changed_fields(RENDERED, live_copy()) == []


def test_a_changed_image_is_named_by_container() -> None:
    live = live_copy()
    live["spec"]["template"]["spec"]["containers"][0]["image"] = "registry.example/hotfix:1"
    [change] = changed_fields(RENDERED, live)
    assert change.path == "spec.template.spec.containers[user-container].image"
    assert (change.rendered, change.live) == (
        "registry.example/coffee:1",
        "registry.example/hotfix:1",
    )


def test_removed_labels_added_containers_and_other_quantities_are_drift() -> None:
    live = live_copy()
    del live["metadata"]["labels"]["app"]
    live["spec"]["template"]["spec"]["containers"].append({"name": "sidecar", "image": "x"})
    live["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = "2"
    paths = sorted(c.path for c in changed_fields(RENDERED, live))
    assert paths == [
        "metadata.labels.app",
        "spec.template.spec.containers[sidecar]",
        "spec.template.spec.containers[user-container].resources.requests.cpu",
    ]


def test_items_sharing_a_name_are_compared_by_position() -> None:
    """HTTPRoute backendRefs through the KEDA interceptor all name the interceptor's Service
    and differ by their header filter: matching them by name would pair the wrong ones."""

    def ref(revision: str) -> dict:
        header = {"name": "Knative-Serving-Revision", "value": revision}
        return {"name": "interceptor", "filters": [{"requestHeaderModifier": {"set": [header]}}]}

    rendered = {"backendRefs": [ref("coffee-00001"), ref("coffee-00002")]}
    assert (
        changed_fields(rendered, {"backendRefs": [ref("coffee-00001"), ref("coffee-00002")]}) == []
    )
    [change] = changed_fields(rendered, {"backendRefs": [ref("coffee-00002"), ref("coffee-00002")]})
    assert (
        change.path
        == "backendRefs[0].filters[0].requestHeaderModifier.set[Knative-Serving-Revision].value"
    )
