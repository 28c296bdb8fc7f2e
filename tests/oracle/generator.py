"""Generated Knative Services, Configurations and Routes for the differential tests: a valid
object with a few mutations drawn from a catalogue (fields, annotations, ports, probes,
volumes, security contexts, env, traffic, names). Each case records its mutations by name so
that the known-differences file can point at exactly the cases an entry explains."""

from __future__ import annotations

import copy
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

Doc = dict[str, Any]
Mutation = Callable[[Doc], None]

A = "autoscaling.knative.dev/"
Q = "queue.sidecar.serving.knative.dev/"


@dataclass(frozen=True)
class Case:
    id: str
    mutations: tuple[str, ...]
    document: Doc


def base(kind: str, name: str) -> Doc:
    meta = {"name": name, "namespace": "default"}
    template = {
        "spec": {"containers": [{"image": "registry.example.com/shop:1"}]},
    }
    if kind == "Route":
        spec: Doc = {"traffic": [{"configurationName": "shop", "percent": 100}]}
    else:
        spec = {"template": template}
    return {"apiVersion": "serving.knative.dev/v1", "kind": kind, "metadata": meta, "spec": spec}


def _template(doc: Doc) -> Doc | None:
    return doc["spec"].get("template")


def _container(doc: Doc) -> Doc | None:
    template = _template(doc)
    return template["spec"]["containers"][0] if template else None


def _on_container(change: Callable[[Doc], None]) -> Mutation:
    def mutate(doc: Doc) -> None:
        container = _container(doc)
        if container is not None:
            change(container)

    return mutate


def _on_podspec(change: Callable[[Doc], None]) -> Mutation:
    def mutate(doc: Doc) -> None:
        template = _template(doc)
        if template is not None:
            change(template["spec"])

    return mutate


def _template_annotation(key: str, value: str) -> Mutation:
    def mutate(doc: Doc) -> None:
        template = _template(doc)
        target = template if template is not None else doc
        target.setdefault("metadata", {}).setdefault("annotations", {})[key] = value

    return mutate


def _object_annotation(key: str, value: str) -> Mutation:
    def mutate(doc: Doc) -> None:
        doc["metadata"].setdefault("annotations", {})[key] = value

    return mutate


def _object_label(key: str, value: str) -> Mutation:
    def mutate(doc: Doc) -> None:
        doc["metadata"].setdefault("labels", {})[key] = value

    return mutate


def _set(path: tuple[str, ...], value: Any) -> Callable[[Doc], None]:
    def change(target: Doc) -> None:
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = copy.deepcopy(value)

    return change


def _traffic(traffic: list[Doc]) -> Mutation:
    def mutate(doc: Doc) -> None:
        doc["spec"]["traffic"] = copy.deepcopy(traffic)
        if doc["kind"] == "Configuration":
            del doc["spec"]["traffic"]

    return mutate


def _template_meta(key: str, value: Any) -> Mutation:
    def mutate(doc: Doc) -> None:
        template = _template(doc)
        if template is not None:
            template.setdefault("metadata", {})[key] = value

    return mutate


def _name(value: str) -> Mutation:
    def mutate(doc: Doc) -> None:
        doc["metadata"]["name"] = value

    return mutate


def _volume(volume: Doc, mount_path: str = "/data", **mount: Any) -> Mutation:
    def mutate(doc: Doc) -> None:
        template = _template(doc)
        if template is None:
            return
        template["spec"].setdefault("volumes", []).append(copy.deepcopy(volume))
        template["spec"]["containers"][0].setdefault("volumeMounts", []).append(
            {"name": volume["name"], "mountPath": mount_path, **mount}
        )

    return mutate


def _second_container(container: Doc) -> Mutation:
    def mutate(doc: Doc) -> None:
        template = _template(doc)
        if template is not None:
            template["spec"]["containers"].append(copy.deepcopy(container))

    return mutate


HTTP_PROBE = {"httpGet": {"path": "/healthz"}}

MUTATIONS: dict[str, Mutation] = {
    # ports
    "port-8080": _on_container(_set(("ports",), [{"containerPort": 8080}])),
    "port-name-only": _on_container(_set(("ports",), [{"name": "h2c"}])),
    "port-h2c": _on_container(_set(("ports",), [{"name": "h2c", "containerPort": 8080}])),
    "port-bad-name": _on_container(_set(("ports",), [{"name": "web", "containerPort": 8080}])),
    "port-reserved": _on_container(_set(("ports",), [{"containerPort": 8012}])),
    "port-two": _on_container(_set(("ports",), [{"containerPort": 8080}, {"containerPort": 8081}])),
    "port-udp": _on_container(_set(("ports",), [{"containerPort": 8080, "protocol": "UDP"}])),
    "port-host": _on_container(_set(("ports",), [{"containerPort": 8080, "hostPort": 80}])),
    # probes
    "probe-readiness-http": _on_container(_set(("readinessProbe",), HTTP_PROBE)),
    "probe-other-port": _on_container(
        _set(("readinessProbe",), {"httpGet": {"path": "/", "port": 9090}})
    ),
    "probe-liveness-other-port": _on_container(
        _set(("livenessProbe",), {"tcpSocket": {"port": 9090}})
    ),
    "probe-two-handlers": _on_container(
        _set(("readinessProbe",), {"httpGet": {"path": "/"}, "tcpSocket": {}})
    ),
    "probe-no-handler": _on_container(_set(("livenessProbe",), {"periodSeconds": 5})),
    "probe-period-zero": _on_container(
        _set(("readinessProbe",), {"tcpSocket": {}, "periodSeconds": 0})
    ),
    "probe-exec": _on_container(_set(("livenessProbe",), {"exec": {"command": ["true"]}})),
    "probe-grpc": _on_container(_set(("readinessProbe",), {"grpc": {"port": 8080}})),
    # annotations and labels
    "ann-serving-unknown": _template_annotation("serving.knative.dev/foo", "bar"),
    "ann-serving-unknown-object": _object_annotation("serving.knative.dev/foo", "bar"),
    "ann-networking-unknown": _object_annotation("networking.knative.dev/foo", "bar"),
    "ann-min-scale": _template_annotation(A + "min-scale", "2"),
    "ann-min-scale-bad": _template_annotation(A + "min-scale", "-1"),
    "ann-max-scale-below-min": _template_annotation(A + "max-scale", "1"),
    "ann-max-scale": _template_annotation(A + "max-scale", "5"),
    "ann-initial-scale-zero": _template_annotation(A + "initial-scale", "0"),
    "ann-target": _template_annotation(A + "target", "50"),
    "ann-target-zero": _template_annotation(A + "target", "0"),
    "ann-target-util": _template_annotation(A + "target-utilization-percentage", "101"),
    "ann-class-hpa": _template_annotation(A + "class", "hpa.autoscaling.knative.dev"),
    "ann-metric-cpu": _template_annotation(A + "metric", "cpu"),
    "ann-metric-bad": _template_annotation(A + "metric", "qps"),
    "ann-window": _template_annotation(A + "window", "30s"),
    "ann-window-bad": _template_annotation(A + "window", "1s"),
    "ann-autoscaling-unknown": _template_annotation(A + "foo", "bar"),
    "ann-queue-pct": _template_annotation(Q + "resource-percentage", "50"),
    "ann-queue-pct-low": _template_annotation(Q + "resource-percentage", "0.01"),
    "ann-queue-pct-high": _template_annotation(Q + "resource-percentage", "101"),
    "ann-queue-unknown": _template_annotation(Q + "cpu-resource-percentage", "50"),
    "ann-queue-mem": _template_annotation(Q + "memory-resource-limit", "200Mi"),
    "ann-queue-cpu-bad": _template_annotation(Q + "cpu-resource-request", "lots"),
    "ann-visibility-bad": _object_label("networking.knative.dev/visibility", "public"),
    "ann-visibility-local": _object_label("networking.knative.dev/visibility", "cluster-local"),
    "ann-rollout": _object_annotation("serving.knative.dev/rollout-duration", "120s"),
    "ann-rollout-bad": _object_annotation("serving.knative.dev/rollout-duration", "soon"),
    "ann-creator": _object_annotation("serving.knative.dev/creator", "someone"),
    # names
    "name-upper": _name("Shop"),
    "name-long": _name("s" * 64),
    "name-dash": _name("shop-"),
    "tmpl-name": _template_meta("name", "shop-v1"),
    "tmpl-name-bad": _template_meta("name", "other-v1"),
    "tmpl-generate-name": _template_meta("generateName", "shop-"),
    "tmpl-namespace": _template_meta("namespace", "other"),
    # image and container fields
    "image-empty": _on_container(_set(("image",), "")),
    "image-bad": _on_container(_set(("image",), "Registry/Shop::1")),
    "image-digest": _on_container(_set(("image",), "registry.example.com/shop@sha256:" + "a" * 64)),
    "image-placeholder": _on_container(_set(("image",), "docker.io/{username}/shop")),
    "image-registry-port": _on_container(_set(("image",), "localhost:5000/shop:1")),
    "image-short-repository": _on_container(_set(("image",), "x")),
    "image-tag-and-digest": _on_container(
        _set(("image",), "registry.example.com/shop:1@sha256:" + "b" * 64)
    ),
    "container-name": _on_container(_set(("name",), "app")),
    "container-name-bad": _on_container(_set(("name",), "App_1")),
    "lifecycle": _on_container(_set(("lifecycle",), {"preStop": {"exec": {"command": ["x"]}}})),
    "stdin": _on_container(_set(("stdin",), True)),
    "tmp-policy-fallback": _on_container(
        _set(("terminationMessagePolicy",), "FallbackToLogsOnError")
    ),
    "tmp-policy-bad": _on_container(_set(("terminationMessagePolicy",), "Sometimes")),
    "tm-path": _on_container(_set(("terminationMessagePath",), "/dev/termination-log")),
    "pull-policy-bad": _on_container(_set(("imagePullPolicy",), "Sometimes")),
    "resources": _on_container(
        _set(("resources",), {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "100m"}})
    ),
    "resources-over": _on_container(
        _set(("resources",), {"limits": {"cpu": "100m"}, "requests": {"cpu": "1"}})
    ),
    "resources-bad-name": _on_container(_set(("resources",), {"limits": {"gpu": "1"}})),
    # env
    "env": _on_container(_set(("env",), [{"name": "MODE", "value": "prod"}])),
    "env-bad-name": _on_container(_set(("env",), [{"name": "", "value": "x"}])),
    "env-field-ref": _on_container(
        _set(
            ("env",), [{"name": "NODE", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}]
        )
    ),
    "env-value-and-from": _on_container(
        _set(
            ("env",),
            [{"name": "K", "value": "v", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}],
        )
    ),
    "envfrom-cm": _on_container(_set(("envFrom",), [{"configMapRef": {"name": "settings"}}])),
    "envfrom-none": _on_container(_set(("envFrom",), [{"prefix": "X_"}])),
    "envfrom-both": _on_container(
        _set(("envFrom",), [{"configMapRef": {"name": "a"}, "secretRef": {"name": "b"}}])
    ),
    # security contexts
    "sc-nonroot": _on_container(
        _set(("securityContext",), {"runAsNonRoot": True, "allowPrivilegeEscalation": False})
    ),
    "sc-user-negative": _on_container(_set(("securityContext",), {"runAsUser": -1})),
    "sc-user-big": _on_container(_set(("securityContext",), {"runAsUser": 2147483648})),
    "sc-user-ok": _on_container(_set(("securityContext",), {"runAsUser": 1000})),
    "sc-privileged": _on_container(_set(("securityContext",), {"privileged": True})),
    "sc-cap-add": _on_container(
        _set(("securityContext",), {"capabilities": {"add": ["NET_BIND_SERVICE"]}})
    ),
    "sc-cap-add-bad": _on_container(
        _set(("securityContext",), {"capabilities": {"add": ["SYS_ADMIN"]}})
    ),
    "sc-cap-drop": _on_container(_set(("securityContext",), {"capabilities": {"drop": ["ALL"]}})),
    "sc-seccomp": _on_container(
        _set(("securityContext",), {"seccompProfile": {"type": "RuntimeDefault"}})
    ),
    "sc-readonly-root": _on_container(_set(("securityContext",), {"readOnlyRootFilesystem": True})),
    "pod-sc": _on_podspec(_set(("securityContext",), {"runAsNonRoot": True, "fsGroup": 1000})),
    "pod-sc-sysctls": _on_podspec(
        _set(("securityContext",), {"sysctls": [{"name": "net.core.somaxconn", "value": "1"}]})
    ),
    # pod spec fields
    "sa-name": _on_podspec(_set(("serviceAccountName",), "shop")),
    "sa-name-bad": _on_podspec(_set(("serviceAccountName",), "Shop_SA")),
    "automount-false": _on_podspec(_set(("automountServiceAccountToken",), False)),
    "automount-true": _on_podspec(_set(("automountServiceAccountToken",), True)),
    "cc-zero": _on_podspec(_set(("containerConcurrency",), 0)),
    "cc-ten": _on_podspec(_set(("containerConcurrency",), 10)),
    "cc-negative": _on_podspec(_set(("containerConcurrency",), -1)),
    "cc-over": _on_podspec(_set(("containerConcurrency",), 1001)),
    "timeout-600": _on_podspec(_set(("timeoutSeconds",), 600)),
    "timeout-over": _on_podspec(_set(("timeoutSeconds",), 601)),
    "timeout-zero": _on_podspec(_set(("timeoutSeconds",), 0)),
    "node-selector": _on_podspec(_set(("nodeSelector",), {"disk": "ssd"})),
    "tolerations": _on_podspec(_set(("tolerations",), [{"key": "k", "operator": "Exists"}])),
    "host-network": _on_podspec(_set(("hostNetwork",), True)),
    "runtime-class": _on_podspec(_set(("runtimeClassName",), "gvisor")),
    "priority-class": _on_podspec(_set(("priorityClassName",), "high")),
    "dns-policy": _on_podspec(_set(("dnsPolicy",), "ClusterFirst")),
    "enable-service-links": _on_podspec(_set(("enableServiceLinks",), False)),
    "image-pull-secrets": _on_podspec(_set(("imagePullSecrets",), [{"name": "regcred"}])),
    "init-container": _on_podspec(
        _set(("initContainers",), [{"name": "init", "image": "busybox"}])
    ),
    "sidecar": _second_container({"name": "sidecar", "image": "envoy"}),
    "sidecar-port": _second_container(
        {"name": "sidecar", "image": "envoy", "ports": [{"containerPort": 9000}]}
    ),
    "sidecar-no-name": _second_container({"image": "envoy"}),
    # volumes
    "vol-secret": _volume({"name": "certs", "secret": {"secretName": "certs"}}),
    "vol-cm": _volume({"name": "conf", "configMap": {"name": "conf"}}, "/etc/conf"),
    "vol-empty-dir": _volume({"name": "scratch", "emptyDir": {}}, "/scratch"),
    "vol-host-path": _volume({"name": "host", "hostPath": {"path": "/"}}),
    "vol-pvc": _volume({"name": "data", "persistentVolumeClaim": {"claimName": "data"}}),
    "vol-projected": _volume(
        {
            "name": "all",
            "projected": {"sources": [{"secret": {"name": "s"}}, {"configMap": {"name": "c"}}]},
        }
    ),
    "vol-projected-empty-source": _volume({"name": "all", "projected": {"sources": [{}]}}),
    "vol-projected-two-in-one": _volume(
        {
            "name": "all",
            "projected": {"sources": [{"secret": {"name": "s"}, "configMap": {"name": "c"}}]},
        }
    ),
    "vol-two-sources": _volume(
        {"name": "both", "secret": {"secretName": "s"}, "configMap": {"name": "c"}}
    ),
    "vol-no-source": _volume({"name": "none"}),
    "mount-reserved-dev-log": _volume({"name": "log", "emptyDir": {}}, "/dev/log"),
    "mount-reserved-var-log": _volume({"name": "log", "emptyDir": {}}, "/var/log"),
    "mount-reserved-root": _volume({"name": "root", "emptyDir": {}}, "/"),
    "mount-relative": _volume({"name": "rel", "emptyDir": {}}, "data"),
    "mount-subpath": _volume({"name": "sub", "secret": {"secretName": "s"}}, "/sub", subPath="x"),
    "mount-writable-secret": _volume(
        {"name": "rw", "secret": {"secretName": "s"}}, "/rw", readOnly=False
    ),
    # traffic
    "traffic-latest": _traffic([{"latestRevision": True, "percent": 100}]),
    "traffic-split": _traffic(
        [{"latestRevision": True, "percent": 90}, {"revisionName": "shop-00001", "percent": 10}]
    ),
    "traffic-sum-bad": _traffic([{"latestRevision": True, "percent": 90}]),
    "traffic-tag": _traffic(
        [{"latestRevision": True, "percent": 100}, {"revisionName": "shop-00001", "tag": "old"}]
    ),
    "traffic-tag-dup": _traffic(
        [
            {"latestRevision": True, "percent": 100, "tag": "x"},
            {"revisionName": "shop-00001", "tag": "x"},
        ]
    ),
    "traffic-tag-bad": _traffic([{"latestRevision": True, "percent": 100, "tag": "Old_One"}]),
    "traffic-both-targets": _traffic(
        [{"configurationName": "shop", "revisionName": "shop-00001", "percent": 100}]
    ),
    "traffic-latest-with-revision": _traffic(
        [{"latestRevision": True, "revisionName": "shop-00001", "percent": 100}]
    ),
    "traffic-config-name": _traffic([{"configurationName": "shop", "percent": 100}]),
    "traffic-url": _traffic([{"latestRevision": True, "percent": 100, "url": "http://x"}]),
    "traffic-percent-over": _traffic([{"latestRevision": True, "percent": 101}]),
    "traffic-no-target": _traffic([{"percent": 100}]),
    "traffic-empty": _traffic([]),
}

KINDS = ("Service", "Configuration", "Route")


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A valid object of one kind with 0 to 3 mutations from the catalogue."""
    kind = draw(st.sampled_from(KINDS))
    names = draw(st.lists(st.sampled_from(sorted(MUTATIONS)), min_size=0, max_size=3, unique=True))
    return make_case(kind, tuple(names))


def make_case(kind: str, names: tuple[str, ...]) -> Case:
    doc = base(kind, "shop")
    for name in names:
        MUTATIONS[name](doc)
    if kind == "Route":
        doc["spec"].pop("template", None)
    return Case(f"{kind}:{'+'.join(names) or 'base'}", names, doc)


def sample_cases(count: int, seed: int = 13) -> list[Case]:
    """`count` distinct cases drawn from the same catalogue as `cases()`, the same ones on every
    run: the volume runs (thousands of cases in one oracle process) use this, because
    hypothesis spends more time per example than both judges together."""
    rng = random.Random(seed)
    names = sorted(MUTATIONS)
    seen: dict[str, Case] = {}
    while len(seen) < count:
        kind = rng.choice(KINDS)
        drawn = tuple(rng.sample(names, rng.randint(0, 3)))
        case = make_case(kind, drawn)
        seen.setdefault(case.id, case)
    return sorted(seen.values(), key=lambda c: c.id)
