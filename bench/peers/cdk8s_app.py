"""The peers benchmark's cdk8s app: the objects knstack renders for its input, as a cdk8s
user would write them (one `ApiObject` per object, in one chart).

Usage: python cdk8s_app.py VALUES.json OUTDIR   (run in an environment with cdk8s installed)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from cdk8s import ApiObject, App, Chart, JsonPatch


def revision_labels(svc: dict[str, Any], rev: dict[str, Any]) -> dict[str, str]:
    return {
        "app": rev["name"],
        "serving.knative.dev/configuration": svc["name"],
        "serving.knative.dev/configurationGeneration": str(rev["generation"]),
        "serving.knative.dev/revision": rev["name"],
        "serving.knative.dev/service": svc["name"],
    }


def restricted(container: bool) -> dict[str, Any]:
    pod = {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}}
    if not container:
        return pod
    return {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}, **pod}


def deployment(values: dict[str, Any], svc: dict[str, Any], rev: dict[str, Any]) -> dict:
    selector = {"serving.knative.dev/revision": rev["name"]}
    env = {"VERSION": rev["version"], "PORT": "8080", "K_REVISION": rev["name"]}
    env |= {"K_CONFIGURATION": svc["name"], "K_SERVICE": svc["name"]}
    container = {
        "name": "user-container",
        "image": f"{values['registry']}/{svc['name']}:{rev['version']}",
        "ports": [{"name": "user-port", "containerPort": 8080, "protocol": "TCP"}],
        "env": [{"name": k, "value": v} for k, v in env.items()],
        "resources": values["resources"],
        "readinessProbe": {"httpGet": {"path": "/healthz", "port": 8080}},
        "terminationMessagePolicy": "FallbackToLogsOnError",
        "securityContext": restricted(container=True),
    }
    term = {"topologyKey": "kubernetes.io/hostname", "labelSelector": {"matchLabels": selector}}
    pod_spec = {
        "containers": [container],
        "enableServiceLinks": False,
        "automountServiceAccountToken": False,
        "terminationGracePeriodSeconds": 300,
        "securityContext": restricted(container=False),
        "affinity": {
            "podAntiAffinity": {
                "preferredDuringSchedulingIgnoredDuringExecution": [
                    {"weight": 100, "podAffinityTerm": term}
                ]
            }
        },
    }
    labels = revision_labels(svc, rev)
    return {
        "selector": {"matchLabels": selector},
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
            "spec": pod_spec,
        },
    }


def route(values: dict[str, Any], svc: dict[str, Any], backends: list[tuple[str, int]], host: str):
    refs = [
        {"group": "", "kind": "Service", "name": name, "port": 80, "weight": weight}
        for name, weight in backends
    ]
    return {
        "parentRefs": values["parentRefs"],
        "hostnames": [f"{host}.{values['namespace']}.{values['domain']}"],
        "rules": [
            {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}], "backendRefs": refs}
        ],
    }


def api_object(chart: Chart, id_: str, api_version: str, kind: str, meta: dict, spec: dict) -> None:
    """One object; Python's cdk8s takes fields beyond metadata as a JSON patch."""
    obj = ApiObject(chart, id_, api_version=api_version, kind=kind, metadata=meta)
    obj.add_json_patch(JsonPatch.add("/spec", spec))


def add_service(chart: Chart, values: dict[str, Any], svc: dict[str, Any]) -> None:
    ns = values["namespace"]
    for rev in svc["revisions"]:
        labels = revision_labels(svc, rev)
        meta = {"name": rev["name"], "namespace": ns, "labels": labels}
        api_object(
            chart,
            f"{rev['name']}-deployment",
            "apps/v1",
            "Deployment",
            {**meta, "name": f"{rev['name']}-deployment"},
            deployment(values, svc, rev),
        )
        service = {
            "type": "ClusterIP",
            "selector": {"serving.knative.dev/revision": rev["name"]},
            "ports": [{"name": "http", "port": 80, "protocol": "TCP", "targetPort": 8080}],
        }
        api_object(chart, rev["name"], "v1", "Service", meta, service)
        scaling = values["autoscaling"]
        target = {"type": "Utilization", "averageUtilization": scaling["target"]}
        hpa = {
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": f"{rev['name']}-deployment",
            },
            "minReplicas": scaling["min"],
            "maxReplicas": scaling["max"],
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": target}}],
        }
        api_object(
            chart,
            f"{rev['name']}-hpa",
            "autoscaling/v2",
            "HorizontalPodAutoscaler",
            {**meta, "annotations": scaling["annotations"]},
            hpa,
        )
    route_labels = {
        "serving.knative.dev/route": svc["name"],
        "serving.knative.dev/service": svc["name"],
    }
    backends = [(rev["name"], rev["percent"]) for rev in svc["revisions"]]
    api_object(
        chart,
        f"{svc['name']}-route",
        "gateway.networking.k8s.io/v1",
        "HTTPRoute",
        {"name": svc["name"], "namespace": ns, "labels": route_labels},
        route(values, svc, backends, svc["name"]),
    )
    for rev in (r for r in svc["revisions"] if r.get("tag")):
        name = f"{rev['tag']}-{svc['name']}"
        api_object(
            chart,
            f"{name}-route",
            "gateway.networking.k8s.io/v1",
            "HTTPRoute",
            {
                "name": name,
                "namespace": ns,
                "labels": {"knstack.dev/tag": rev["tag"], **route_labels},
            },
            route(values, svc, [(rev["name"], 100)], name),
        )


def main() -> None:
    values = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    app = App(outdir=sys.argv[2])
    chart = Chart(app, "bench")
    for svc in values["services"]:
        add_service(chart, values, svc)
    app.synth()


if __name__ == "__main__":
    main()
