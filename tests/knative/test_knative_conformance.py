"""The generated install against the upstream release files of the pinned version (knative/serving config/core/).

Same objects (kind, namespace, name), same RBAC, container and service ports, probes,
security contexts and ConfigMap defaults; then every object compared whole. The upstream
files are ko templates: `ko://<import path>` images and `app.kubernetes.io/version: devel`
are normalised on both sides before comparing. Every remaining difference is listed in
DELIBERATE with its reason.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
import yaml
from knative_helpers import GATEWAY_API, Key, render_platform, stack_settings

from knstack.api.configmaps import ServingConfig
from knstack.stack.knative import KNATIVE_VERSION

NETWORKING = ("kourier", "gateway-api")
_KO = re.compile(r"^ko://(?P<path>.+)$")
_RELEASE = re.compile(rf"^gcr\.io/knative-releases/(?P<path>.+):v{re.escape(KNATIVE_VERSION)}$")

# (kind, namespace or "", name or "*") -> {dotted path: reason}; the path is removed on both sides.
DELIBERATE: dict[tuple[str, str, str], dict[str, str]] = {
    ("Namespace", "", "*"): {
        "metadata.labels.pod-security.kubernetes.io/audit": "Pod Security restricted on the "
        "control plane (every component meets it)",
        "metadata.labels.pod-security.kubernetes.io/enforce": "Pod Security restricted on the "
        "control plane",
        "metadata.labels.pod-security.kubernetes.io/warn": "Pod Security restricted on the "
        "control plane",
    },
    ("CustomResourceDefinition", "", "*"): {
        "spec.versions": "generated CRDs have open structural schemas (the webhook "
        "validates); compared without the schema below",
    },
    ("ConfigMap", "knative-serving", "*"): {
        "data._example": "generated from the typed model (keys, descriptions, defaults); "
        "defaults compared in test_configmap_defaults",
        "metadata.annotations.knative.dev/example-checksum": "the checksum of the generated "
        "_example (test_configmap_checksums)",
    },
    ("ConfigMap", "knative-serving", "config-network"): {
        "data.ingress-class": "derived from the environment's networking layer (istio is "
        "upstream's unset default)",
    },
    ("ConfigMap", "knative-serving", "config-domain"): {
        "data.example.com": "the environment's domain is the default domain (upstream sets "
        "none: svc.cluster.local)",
    },
    ("ConfigMap", "knative-serving", "config-features"): {
        "data.secure-pod-defaults": "enabled by knstack so user pods meet Pod Security restricted",
    },
    ("ConfigMap", "knative-serving", "config-gateway"): {
        "data.external-gateways": "from the environment's gateway and knative.gatewayApi "
        "(upstream has only the example)",
        "data.local-gateways": "from knative.gatewayApi.localGateway (upstream has only the "
        "example)",
    },
    ("Deployment", "kourier-system", "3scale-kourier-gateway"): {
        "spec.template.spec.containers.0.image": "Envoy pinned to v1.37.0 instead of the "
        "floating v1.37-latest tag",
    },
}


def _normalise_image(value: str) -> str:
    for pattern in (_KO, _RELEASE):
        if match := pattern.match(value):
            return f"<knative>/{match['path']}"
    return value


def _normalise(node: Any) -> Any:
    """ko:// and release images become `<knative>/<import path>`; the version label VERSION."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "app.kubernetes.io/version":
                out[key] = "VERSION"
            elif key in ("image", "queue-sidecar-image") and isinstance(value, str):
                out[key] = _normalise_image(value)
            elif key == "envoy-bootstrap.yaml":
                out[key] = yaml.safe_load(value)  # the same configuration, whatever the YAML style
            else:
                out[key] = _normalise(value)
        return out
    if isinstance(node, list):
        return [_normalise(item) for item in node]
    return node


def _drop(doc: dict[str, Any], path: str) -> None:
    """Remove a dotted path (label keys may contain dots: the longest existing key wins)."""
    parts = path.split(".")
    node: Any = doc
    while parts:
        for size in range(len(parts), 0, -1):
            key = ".".join(parts[:size])
            if isinstance(node, dict) and key in node:
                if size == len(parts):
                    del node[key]
                    return
                node, parts = node[key], parts[size:]
                break
            if isinstance(node, list) and key.isdigit() and int(key) < len(node):
                if size == len(parts):
                    node[int(key)] = None
                    return
                node, parts = node[int(key)], parts[size:]
                break
        else:
            return


def _deliberate(key: Key) -> dict[str, str]:
    kind, namespace, name = key
    out: dict[str, str] = {}
    for (k, ns, n), paths in DELIBERATE.items():
        if k == kind and ns in ("", namespace) and n in ("*", name):
            out.update(paths)
    return out


@pytest.fixture(scope="module", params=NETWORKING)
def pair(
    request: pytest.FixtureRequest, upstream_install: Any
) -> tuple[dict[Key, Any], dict[Key, Any]]:
    networking = request.param
    extra = {"gateway_api": GATEWAY_API} if networking == "gateway-api" else {}
    ours = render_platform(stack_settings(networking=networking, hpa_autoscaler=True, **extra))
    return (
        {k: _normalise(v) for k, v in upstream_install(networking).items()},
        {k: _normalise(v) for k, v in ours.items()},
    )


def _kinds(docs: dict[Key, Any], *kinds: str) -> dict[Key, Any]:
    return {key: doc for key, doc in docs.items() if key[0] in kinds}


def test_same_objects(pair: tuple[dict[Key, Any], dict[Key, Any]]) -> None:
    upstream, ours = pair
    assert sorted(ours) == sorted(upstream)


def test_same_rbac(pair: tuple[dict[Key, Any], dict[Key, Any]]) -> None:
    upstream, ours = pair
    for key, doc in _kinds(
        upstream, "ClusterRole", "Role", "ClusterRoleBinding", "RoleBinding", "ServiceAccount"
    ).items():
        mine = ours[key]
        for field in ("rules", "aggregationRule", "subjects", "roleRef"):
            assert mine.get(field) == doc.get(field), f"{key} {field}"
        assert mine["metadata"]["labels"] == doc["metadata"]["labels"], key


def _containers(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in doc["spec"]["template"]["spec"]["containers"]}


def _ports(ports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # protocol defaults to TCP: upstream spells it out in some files only.
    return [{"protocol": "TCP", **port} for port in ports]


def test_same_container_ports_probes_and_security(
    pair: tuple[dict[Key, Any], dict[Key, Any]],
) -> None:
    upstream, ours = pair
    deployments = _kinds(upstream, "Deployment")
    assert deployments, "no upstream Deployments loaded"
    for key, doc in deployments.items():
        mine = _containers(ours[key])
        for name, container in _containers(doc).items():
            assert name in mine, f"{key}: container {name} missing"
            assert _ports(mine[name]["ports"]) == _ports(container["ports"]), f"{key}/{name} ports"
            for probe in ("readinessProbe", "livenessProbe"):
                assert mine[name].get(probe) == container.get(probe), f"{key}/{name} {probe}"
            assert mine[name]["securityContext"] == container["securityContext"], (
                f"{key}/{name} securityContext"
            )
            assert mine[name]["resources"] == container["resources"], f"{key}/{name} resources"
        upstream_pod, my_pod = (
            doc["spec"]["template"]["spec"],
            ours[key]["spec"]["template"]["spec"],
        )
        assert my_pod.get("securityContext") == upstream_pod.get("securityContext"), (
            f"{key} pod securityContext"
        )


def test_same_service_ports(pair: tuple[dict[Key, Any], dict[Key, Any]]) -> None:
    upstream, ours = pair
    for key, doc in _kinds(upstream, "Service").items():
        assert _ports(ours[key]["spec"]["ports"]) == _ports(doc["spec"]["ports"]), key
        assert ours[key]["spec"]["selector"] == doc["spec"]["selector"], key
        assert ours[key]["spec"].get("type", "ClusterIP") == doc["spec"].get("type", "ClusterIP"), (
            key
        )


def test_every_object_matches_but_the_deliberate_differences(
    pair: tuple[dict[Key, Any], dict[Key, Any]],
) -> None:
    upstream, ours = pair
    for key in sorted(upstream):
        left, right = copy.deepcopy(upstream[key]), copy.deepcopy(ours[key])
        for path in _deliberate(key):
            _drop(left, path)
            _drop(right, path)
        assert right == left, f"{key} differs beyond its deliberate differences"


def test_deliberate_differences_are_real(pair: tuple[dict[Key, Any], dict[Key, Any]]) -> None:
    """Each listed difference exists in at least one object: no stale entries in DELIBERATE."""
    upstream, ours = pair
    seen: set[tuple[tuple[str, str, str], str]] = set()
    for key in upstream:
        for entry, paths in DELIBERATE.items():
            kind, namespace, name = entry
            if key[0] != kind or namespace not in ("", key[1]) or name not in ("*", key[2]):
                continue
            for path in paths:
                left, right = copy.deepcopy(upstream[key]), copy.deepcopy(ours[key])
                _drop(left, path)
                _drop(right, path)
                if left != upstream[key] or right != ours[key]:
                    seen.add((entry, path))
    relevant = {
        (entry, path)
        for entry, paths in DELIBERATE.items()
        for path in paths
        if any(
            k[0] == entry[0] and entry[1] in ("", k[1]) and entry[2] in ("*", k[2])
            for k in upstream
        )
    }
    assert relevant - seen == set()


def test_crds_match_upstream_except_their_schema(
    pair: tuple[dict[Key, Any], dict[Key, Any]],
) -> None:
    upstream, ours = pair
    crds = _kinds(upstream, "CustomResourceDefinition")
    assert len(crds) == 12
    for key, doc in crds.items():
        mine = ours[key]
        assert mine["metadata"]["labels"] == doc["metadata"]["labels"], key
        for version, theirs in zip(mine["spec"]["versions"], doc["spec"]["versions"], strict=True):
            without = {k: v for k, v in theirs.items() if k != "schema"}
            assert {k: v for k, v in version.items() if k != "schema"} == without, key
            # Open but structural: the same top-level properties, spec and status kept whole.
            props = version["schema"]["openAPIV3Schema"]["properties"]
            assert set(props) == set(theirs["schema"]["openAPIV3Schema"]["properties"]), key
            for part in ("spec", "status"):
                if part in props:
                    assert props[part] == {
                        "type": "object",
                        "x-kubernetes-preserve-unknown-fields": True,
                    }


def _upstream_example(upstream: dict[Key, Any], name: str) -> dict[str, Any]:
    return (
        yaml.safe_load(upstream[("ConfigMap", "knative-serving", name)]["data"]["_example"]) or {}
    )


def test_configmap_defaults(upstream_install: Any) -> None:
    """Every typed default equals the value upstream documents, except the listed illustrations."""
    upstream = upstream_install("kourier")
    config = ServingConfig()
    for model in [*config.serving_configmaps(), config.kourier]:
        example = _upstream_example(upstream, model.configmap)
        defaults = model.default_data()
        skipped = model.example_only
        if "*" in skipped:  # config-domain: the whole example is illustrative
            assert defaults == {} and example
            continue
        assert set(example) - set(defaults) == set(), (
            f"{model.configmap}: keys knstack does not model"
        )
        assert set(defaults) - set(example) - set(skipped) == set(), (
            f"{model.configmap}: keys upstream does not document"
        )
        for key, value in example.items():
            if key in skipped:
                assert defaults[key] is None, (
                    f"{model.configmap} {key}: an illustration, so unset by default"
                )
                continue
            parsed = type(model).model_validate({key: value})
            assert parsed.data()[key] == defaults[key], (
                f"{model.configmap} {key}: upstream {value!r}, knstack {defaults[key]!r}"
            )
