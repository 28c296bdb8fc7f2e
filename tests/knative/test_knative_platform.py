"""The install's knobs: HA and placement, images, CRD source, networking, derived config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from knative_helpers import GATEWAY_API, Key, load_dirs, render_platform, stack_settings

from knstack.api.configmaps import AutoscalerConfig, DefaultsConfig, FeaturesConfig, ServingConfig
from knstack.api.core import ResourceRequirements
from knstack.errors import InputError
from knstack.expand.platform import CRD_NAMES
from knstack.stack.crdfiles import with_crd_files
from knstack.stack.knative import (
    ContainerResources,
    HighAvailability,
    ImageSettings,
    KnativeSettings,
    WorkloadSettings,
)
from knstack.stack.loader import parse_settings
from knstack.stack.settings import Cluster, GatewayRef, StackSettings, WorkloadDefaults

STACK_FILE = "stacks/Pulumi.lab.yaml"
DIGEST = "sha256:" + "ab" * 32


def deployment(
    docs: dict[Key, Any], name: str, namespace: str = "knative-serving"
) -> dict[str, Any]:
    return docs[("Deployment", namespace, name)]


def hpa_spec(docs: dict[Key, Any], name: str, namespace: str = "knative-serving") -> dict[str, Any]:
    return docs[("HorizontalPodAutoscaler", namespace, name)]["spec"]


def configmap(docs: dict[Key, Any], name: str) -> dict[str, str]:
    return docs[("ConfigMap", "knative-serving", name)]["data"]


def test_high_availability_sets_replicas_and_raises_hpa_minimums() -> None:
    """Knative Operator semantics (knative/operator pkg/reconciler/common/ha.go): replicas, or an HPA's min (and max by the same)."""
    docs = render_platform(stack_settings(high_availability=HighAvailability(replicas=3)))
    for name in ("controller", "autoscaler", "net-kourier-controller"):
        assert deployment(docs, name)["spec"]["replicas"] == 3, name
    assert (
        hpa_spec(docs, "activator")["minReplicas"] == 3
        and hpa_spec(docs, "activator")["maxReplicas"] == 22
    )
    assert (
        hpa_spec(docs, "webhook")["minReplicas"] == 3
        and hpa_spec(docs, "webhook")["maxReplicas"] == 7
    )
    gateway = hpa_spec(docs, "3scale-kourier-gateway", "kourier-system")
    assert (gateway["minReplicas"], gateway["maxReplicas"]) == (3, 12)
    assert "replicas" not in deployment(docs, "activator")["spec"], (
        "the HPA owns the activator's replicas"
    )


def test_workload_overrides_win_and_place_pods() -> None:
    workload = WorkloadSettings(
        name="controller",
        replicas=1,
        node_selector={"node-role": "control-plane"},
        tolerations=[
            {"key": "dedicated", "operator": "Equal", "value": "knative", "effect": "NoSchedule"}
        ],
        affinity={
            "nodeAffinity": {
                "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}
            }
        },
        topology_spread_constraints=[
            {
                "maxSkew": 1,
                "topologyKey": "topology.kubernetes.io/zone",
                "whenUnsatisfiable": "DoNotSchedule",
            }
        ],
        labels={"team": "platform"},
        annotations={"example.com/owner": "platform"},
        resources=[
            ContainerResources(
                container="controller", requests={"cpu": "250m"}, limits={"memory": "2Gi"}
            )
        ],
    )
    docs = render_platform(
        stack_settings(high_availability=HighAvailability(replicas=2), workloads=[workload])
    )
    controller = deployment(docs, "controller")
    pod = controller["spec"]["template"]["spec"]
    assert controller["spec"]["replicas"] == 1, "the workload's replicas win over highAvailability"
    assert pod["nodeSelector"] == {"node-role": "control-plane"}
    assert pod["tolerations"] == [
        {"key": "dedicated", "operator": "Equal", "value": "knative", "effect": "NoSchedule"}
    ]
    assert "podAntiAffinity" not in pod["affinity"] and "nodeAffinity" in pod["affinity"]
    assert pod["topologySpreadConstraints"][0]["topologyKey"] == "topology.kubernetes.io/zone"
    assert controller["spec"]["template"]["metadata"]["labels"]["team"] == "platform"
    assert controller["spec"]["template"]["metadata"]["annotations"] == {
        "example.com/owner": "platform"
    }
    assert pod["containers"][0]["resources"] == {
        "requests": {"cpu": "250m", "memory": "100Mi"},
        "limits": {"cpu": "1000m", "memory": "2Gi"},
    }
    assert deployment(docs, "autoscaler")["spec"]["replicas"] == 2


@pytest.mark.parametrize(
    ("workload", "message"),
    [
        ({"name": "dispatcher"}, "unknown workload 'dispatcher'"),
        (
            {
                "name": "activator",
                "resources": [{"container": "queue-proxy", "requests": {"cpu": "1"}}],
            },
            "has no container 'queue-proxy'",
        ),
        ({"name": "activator", "replicas": -1}, "greater than or equal to 0"),
    ],
)
def test_bad_workload_is_rejected(workload: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_settings({"knstack:knative": {"workloads": [workload]}}, STACK_FILE, "lab")
    assert STACK_FILE in str(caught.value) and message in str(caught.value)


def _images(docs: dict[Key, Any]) -> dict[str, str]:
    return {
        f"{key[2]}/{c['name']}": c["image"]
        for key, doc in docs.items()
        if key[0] == "Deployment"
        for c in doc["spec"]["template"]["spec"]["containers"]
    }


def test_images_are_pinned_to_the_release() -> None:
    images = _images(render_platform(stack_settings(hpa_autoscaler=True)))
    assert (
        images["controller/controller"]
        == "gcr.io/knative-releases/knative.dev/serving/cmd/controller:v1.23.0"
    )
    assert (
        images["net-kourier-controller/controller"]
        == "gcr.io/knative-releases/knative.dev/net-kourier/cmd/kourier:v1.23.0"
    )
    assert images["3scale-kourier-gateway/kourier-gateway"] == "docker.io/envoyproxy/envoy:v1.37.0"
    assert all(":latest" not in image and "-latest" not in image for image in images.values())


def test_registry_mirror_digests_overrides_and_pull_secrets() -> None:
    settings = ImageSettings(
        registry="registry.example.com/mirror",
        digests={"controller": DIGEST, "queue-proxy": DIGEST},
        overrides={"webhook": "registry.example.com/patched/webhook@" + DIGEST},
        pull_secrets=["mirror-pull"],
    )
    docs = render_platform(stack_settings(images=settings))
    images = _images(docs)
    assert (
        images["controller/controller"]
        == f"registry.example.com/mirror/knative.dev/serving/cmd/controller:v1.23.0@{DIGEST}"
    )
    assert (
        images["activator/activator"]
        == "registry.example.com/mirror/knative.dev/serving/cmd/activator:v1.23.0"
    )
    assert (
        images["3scale-kourier-gateway/kourier-gateway"]
        == "registry.example.com/mirror/envoyproxy/envoy:v1.37.0"
    )
    assert images["webhook/webhook"] == "registry.example.com/patched/webhook@" + DIGEST
    queue = f"registry.example.com/mirror/knative.dev/serving/cmd/queue:v1.23.0@{DIGEST}"
    assert configmap(docs, "config-deployment")["queue-sidecar-image"] == queue
    assert docs[("Image", "knative-serving", "queue-proxy")]["spec"]["image"] == queue
    for key, doc in docs.items():
        if key[0] == "Deployment":
            assert doc["spec"]["template"]["spec"]["imagePullSecrets"] == [
                {"name": "mirror-pull"}
            ], key


@pytest.mark.parametrize(
    ("images", "message"),
    [
        ({"digests": {"controller": "sha256:123"}}, "sha256:<64 hex digits>"),
        ({"digests": {"dispatcher": DIGEST}}, "unknown image 'dispatcher'"),
        ({"registry": "https://registry.example.com/"}, "is not a registry prefix"),
    ],
)
def test_bad_image_settings_are_rejected(images: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_settings({"knstack:knative": {"images": images}}, STACK_FILE, "lab")
    assert message in str(caught.value) and 'config."knstack:knative".images' in str(caught.value)


def test_crds_from_the_release_files_are_installed_verbatim(
    upstream_dir: Path, tmp_path: Path
) -> None:
    core = upstream_dir / "knative-serving/config/core"
    stack = StackSettings(knative=KnativeSettings(install=True, crds={"path": str(core)}))
    docs = render_platform(with_crd_files(stack, tmp_path, CRD_NAMES))
    upstream = {
        key: doc for key, doc in load_dirs(core).items() if key[0] == "CustomResourceDefinition"
    }
    ours = {key: doc for key, doc in docs.items() if key[0] == "CustomResourceDefinition"}
    assert ours == upstream


def test_crd_file_problems_are_reported(upstream_dir: Path, tmp_path: Path) -> None:
    partial = upstream_dir / "knative-serving/config/core/300-resources/service.yaml"
    with pytest.raises(InputError) as caught:
        with_crd_files(
            StackSettings(knative=KnativeSettings(crds={"path": str(partial)})), tmp_path, CRD_NAMES
        )
    assert "lacks the Knative Serving CRDs" in str(
        caught.value
    ) and "routes.serving.knative.dev" in str(caught.value)
    with pytest.raises(InputError) as missing:
        with_crd_files(
            StackSettings(knative=KnativeSettings(crds={"path": "vendor/none.yaml"})),
            tmp_path,
            CRD_NAMES,
        )
    assert "does not exist" in str(missing.value)


def test_gateway_api_follows_the_environment_gateway_per_cluster() -> None:
    stack = StackSettings(
        gateway=GatewayRef(name="public", namespace="gateway-system"),
        clusters=[
            Cluster(name="eu"),
            Cluster(name="us", gateway=GatewayRef(name="public-us", namespace="gateway-system")),
        ],
        knative=KnativeSettings(install=True, networking="gateway-api", gateway_api=GATEWAY_API),
    )
    from knstack.expand.platform import build_platform
    from knstack.resolve.model import ServingPlan
    from knstack.stack.settings import effective_cluster_settings

    for cluster, gateway in (("eu", "gateway-system/public"), ("us", "gateway-system/public-us")):
        settings = effective_cluster_settings("prod", stack, stack.cluster(cluster))
        docs = {
            (m["kind"], m["metadata"].get("namespace", ""), m["metadata"]["name"]): m
            for m in build_platform(ServingPlan((), (), ()), settings)
        }
        data = configmap(docs, "config-gateway")
        assert yaml.safe_load(data["external-gateways"]) == [
            {
                "class": "istio",
                "gateway": gateway,
                "service": "istio-system/istio-ingressgateway",
                "supported-features": ["HTTPRouteRequestTimeout"],
            }
        ]
        assert (
            yaml.safe_load(data["local-gateways"])[0]["gateway"]
            == "istio-system/knative-local-gateway"
        )
        assert (
            configmap(docs, "config-network")["ingress-class"]
            == "gateway-api.ingress.networking.knative.dev"
        )
        assert not [key for key in docs if key[1] == "kourier-system"]


def test_gateway_api_needs_its_settings() -> None:
    with pytest.raises(InputError) as caught:
        parse_settings(
            {"knstack:knative": {"install": True, "networking": "gateway-api"}}, STACK_FILE, "lab"
        )
    assert "gatewayApi" in str(caught.value)


def test_derived_configuration() -> None:
    stack = StackSettings(
        domain="lab.example.com",
        defaults=WorkloadDefaults(
            resources=ResourceRequirements(requests={"cpu": "100m"}, limits={"memory": "256Mi"})
        ),
        reserved_instance={"enabled": True},
        knative=KnativeSettings(install=True),
    )
    docs = render_platform(stack)
    assert configmap(docs, "config-domain")["lab.example.com"] == ""
    assert (
        configmap(docs, "config-network")["ingress-class"]
        == "kourier.ingress.networking.knative.dev"
    )
    assert configmap(docs, "config-features")["secure-pod-defaults"] == "enabled"
    assert configmap(docs, "config-autoscaler")["min-scale"] == "1"
    defaults = configmap(docs, "config-defaults")
    assert (defaults["revision-cpu-request"], defaults["revision-memory-limit"]) == (
        "100m",
        "256Mi",
    )
    assert "revision-cpu-limit" not in defaults


def test_explicit_configuration_wins_where_it_does_not_conflict() -> None:
    config = ServingConfig(
        features=FeaturesConfig(secure_pod_defaults="allowrootbounded"),
        autoscaler=AutoscalerConfig(min_scale=1),
    )
    stack = StackSettings(
        reserved_instance={"enabled": True}, knative=KnativeSettings(install=True, config=config)
    )
    docs = render_platform(stack)
    assert configmap(docs, "config-features")["secure-pod-defaults"] == "allowrootbounded"
    assert configmap(docs, "config-autoscaler")["min-scale"] == "1"


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {
                "knstack:reservedInstance": {"enabled": True},
                "knstack:knative": {"config": {"autoscaler": {"min-scale": 2}}},
            },
            "set only one of them",
        ),
        (
            {
                "knstack:defaults": {"resources": {"requests": {"cpu": "100m"}}},
                "knstack:knative": {"config": {"defaults": {"revision-cpu-request": "200m"}}},
            },
            "revision-cpu-request",
        ),
        (
            {"knstack:knative": {"config": {"gc": {"min-non-active-revisions": 0}}}},
            "min-non-active-revisions must be at least 1",
        ),
        ({"knstack:knative": {"version": "1.22.0"}}, "not a 1.23.x release"),
    ],
)
def test_conflicting_settings_are_rejected(config: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_settings(config, STACK_FILE, "lab")
    assert STACK_FILE in str(caught.value) and message in str(caught.value)


def test_every_control_plane_pod_meets_pod_security_restricted() -> None:
    docs = render_platform(stack_settings(hpa_autoscaler=True))
    docs.update(render_platform(stack_settings(networking="gateway-api", gateway_api=GATEWAY_API)))
    for key, doc in docs.items():
        if key[0] != "Deployment":
            continue
        pod = doc["spec"]["template"]["spec"]
        assert not {"hostNetwork", "hostPID", "hostIPC"} & set(pod), key
        assert all("hostPath" not in volume for volume in pod.get("volumes", [])), key
        for container in pod["containers"]:
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False, key
            assert security["runAsNonRoot"] is True, key
            assert security["capabilities"] == {"drop": ["ALL"]}, key
            assert security["seccompProfile"] == {"type": "RuntimeDefault"}, key
    namespaces = [doc for key, doc in docs.items() if key[0] == "Namespace"]
    assert namespaces and all(
        ns["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
        for ns in namespaces
    )


def test_configmaps_checksum_their_generated_example() -> None:
    from knstack.api.configmaps import example_checksum

    docs = render_platform(
        stack_settings(config=ServingConfig(defaults=DefaultsConfig(revision_timeout_seconds=120)))
    )
    configmaps = [
        doc
        for key, doc in docs.items()
        if key[0] == "ConfigMap" and key[1] == "knative-serving" and "_example" in doc["data"]
    ]
    assert len(configmaps) == 13
    for doc in configmaps:
        annotation = doc["metadata"].get("annotations", {}).get("knative.dev/example-checksum")
        if doc["metadata"]["name"] == "config-kourier":
            assert annotation is None  # as upstream
        else:
            assert annotation == example_checksum(doc["data"]["_example"])
    assert configmap(docs, "config-defaults")["revision-timeout-seconds"] == "120"
