"""Properties of the whole engine (loader, resolver, expansion) on generated Knative YAML:
any input is either refused as bad input or expands to objects that hold the invariants a
cluster relies on: names of at most 63 characters, valid labels, every Service selecting
the pods of a Deployment, every route backend existing, and the same bytes on a rebuild."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from knstack.api.validation.names import label_value_error, qualified_key_error
from knstack.build import EnvironmentBuild, build_files
from knstack.errors import InputError
from knstack.render import stream

Manifest = dict[str, Any]
DNS_LABEL = r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?"
names = st.from_regex(rf"\A{DNS_LABEL}\Z").filter(lambda n: len(n) <= 63)
tags = st.from_regex(r"\A[a-z][a-z0-9]{0,11}\Z")


@st.composite
def services(draw: st.DrawFn) -> list[Manifest]:
    """One to three versions of one Service (history), with a traffic split on the last."""
    name = draw(names)
    namespace = draw(st.sampled_from(["default", "shop", "n" * 63]))
    annotations: dict[str, str] = {}
    if draw(st.booleans()):
        annotations["autoscaling.knative.dev/class"] = "hpa.autoscaling.knative.dev"
        annotations["autoscaling.knative.dev/metric"] = "cpu"
    if draw(st.booleans()):
        annotations["autoscaling.knative.dev/min-scale"] = str(draw(st.integers(0, 3)))
    labels = {"networking.knative.dev/visibility": "cluster-local"} if draw(st.booleans()) else {}
    versions = draw(st.integers(1, 3))
    docs = []
    for version in range(1, versions + 1):
        doc: Manifest = {
            "apiVersion": "serving.knative.dev/v1",
            "kind": "Service",
            "metadata": {
                "name": name,
                "namespace": namespace,
                **({"labels": labels} if labels else {}),
            },
            "spec": {
                "template": {
                    "metadata": {"annotations": dict(annotations)},
                    "spec": {
                        "containers": [
                            {
                                "image": f"registry.example.com/app:{version}",
                                "ports": [{"containerPort": draw(st.sampled_from([8080, 9000]))}],
                            }
                        ]
                    },
                }
            },
        }
        docs.append(doc)
    if versions > 1 and draw(st.booleans()):
        candidate = draw(st.integers(0, 100))
        docs[-1]["spec"]["traffic"] = [
            {"latestRevision": True, "percent": candidate, "tag": draw(tags)},
            {"revisionName": f"{name}-00001", "percent": 100 - candidate},
        ]
    return docs


def _namespaced(manifests: list[Manifest]) -> Iterator[Manifest]:
    return (m for m in manifests if m["metadata"].get("namespace"))


def _label_problems(manifest: Manifest) -> list[str]:
    found = []
    maps = [manifest["metadata"].get("labels") or {}]
    template = (manifest.get("spec") or {}).get("template")
    if isinstance(template, dict):
        maps.append((template.get("metadata") or {}).get("labels") or {})
    for labels in maps:
        for key, value in labels.items():
            if err := qualified_key_error(key) or label_value_error(str(value)):
                found.append(f"{manifest['kind']} {manifest['metadata']['name']}: {key}: {err}")
    return found


def _selects_a_deployment(service: Manifest, manifests: list[Manifest]) -> bool:
    selector = service["spec"].get("selector")
    if not selector:  # ExternalName and selector-less Services route elsewhere
        return True
    namespace = service["metadata"]["namespace"]
    for m in manifests:
        if m["kind"] == "Deployment" and m["metadata"]["namespace"] == namespace:
            pod = m["spec"]["template"]["metadata"].get("labels") or {}
            if all(pod.get(k) == v for k, v in selector.items()):
                return True
    return False


def _backend_services(manifest: Manifest) -> Iterator[tuple[str, str]]:
    """(namespace, Service name) of every backend a route object sends requests to."""
    namespace = manifest["metadata"].get("namespace", "")
    if manifest["kind"] == "HTTPRoute":
        for rule in manifest["spec"].get("rules") or []:
            for ref in rule.get("backendRefs") or []:
                if ref.get("kind", "Service") == "Service":
                    yield ref.get("namespace", namespace), ref["name"]
    elif manifest["kind"] == "Ingress":
        for rule in manifest["spec"].get("rules") or []:
            for path in (rule.get("http") or {}).get("paths") or []:
                service = path["backend"].get("service")
                if service:
                    yield namespace, service["name"]
    elif manifest["kind"] == "VirtualService":
        for http in manifest["spec"].get("http") or []:
            for route in http.get("route") or []:
                host = route["destination"]["host"]
                name, _, rest = host.partition(".")
                yield (rest.split(".")[0] or namespace), name


def _check_invariants(build: EnvironmentBuild) -> None:
    for cluster in build.clusters:
        manifests = cluster.manifests
        too_long = [m["metadata"]["name"] for m in _namespaced(manifests)]
        assert [n for n in too_long if len(n) > 63] == []
        assert [p for m in manifests for p in _label_problems(m)] == []
        services = {
            (m["metadata"]["namespace"], m["metadata"]["name"])
            for m in manifests
            if m["kind"] == "Service" and m["apiVersion"] == "v1"
        }
        for m in manifests:
            if m["kind"] == "Service" and m["apiVersion"] == "v1":
                assert _selects_a_deployment(m, manifests), m["metadata"]["name"]
            missing = [b for b in _backend_services(m) if b not in services]
            assert missing == [], f"{m['kind']} {m['metadata']['name']} routes to {missing}"


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    docs=services(),
    backend=st.sampled_from(["kubernetes", "knative"]),
    gateway=st.sampled_from(["gateway-api", "istio", "nginx", "alb"]),
)
def test_any_service_is_refused_or_expands_to_objects_a_cluster_accepts(
    docs: list[Manifest], backend: str, gateway: str, tmp_path_factory: Any
) -> None:
    source = Path(tmp_path_factory.mktemp("prop")) / "service.yaml"
    source.write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")
    try:
        build = build_files([source], backend=backend, gateway=gateway)
    except InputError as err:
        # Refused cleanly: every problem names the file and a field.
        event("refused: " + err.problems[0].message[:40])
        assert err.problems and all(p.file and str(source) in p.file for p in err.problems)
        return
    event("expanded")
    _check_invariants(build)
    assert stream(build) == stream(build_files([source], backend=backend, gateway=gateway))


def test_the_invariant_checks_can_fail() -> None:
    """The checks above are not vacuous: a Service selecting nothing and a backend with no
    Service are found."""
    stray = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "stray", "namespace": "default"},
        "spec": {"selector": {"app": "none"}},
    }
    route = {
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "HTTPRoute",
        "metadata": {"name": "r", "namespace": "default"},
        "spec": {"rules": [{"backendRefs": [{"name": "ghost", "port": 80}]}]},
    }
    assert not _selects_a_deployment(stray, [stray])
    assert list(_backend_services(route)) == [("default", "ghost")]
    assert re.fullmatch(DNS_LABEL, "a" * 63)
