"""Reserved instance: one low-spec pod instead of zero, beside the request-scaled Deployment."""

from __future__ import annotations

import copy

from tests.render_helpers import build_cluster, index, of_kind, service_yaml

ADD_ON = {"kedaHttpAddOn": {"enabled": True}}
RESERVED = {"knstack.dev/reserved-instance": "true"}
SIZING = {"requests": {"cpu": "10m", "memory": "32Mi"}, "limits": {"cpu": "100m", "memory": "64Mi"}}


def _yaml(annotations: dict[str, str] | None = None) -> str:
    version = {"image": "registry.example.com/demo/shop:1", "annotations": annotations}
    return service_yaml("shop", [version])


def test_reserved_deployment_is_the_revision_with_one_small_pod(tmp_path):
    settings = {**ADD_ON, "reservedInstance": {"resources": SIZING}}
    build = build_cluster(tmp_path, _yaml(RESERVED), settings)
    objects = index(build.manifests)
    main = objects[("Deployment", "shop-00001-deployment")]
    reserved = objects[("Deployment", "shop-00001-reserved")]

    # The same revision and pod spec, except: its own name and selector, a marker label,
    # one replica, and the serving container sized by the environment.
    expected = copy.deepcopy(main)
    labels = dict(
        sorted({**main["metadata"]["labels"], "knstack.dev/reserved-instance": "true"}.items())
    )
    expected["metadata"]["name"] = "shop-00001-reserved"
    expected["metadata"]["labels"] = labels
    expected["spec"] = {"replicas": 1, **expected["spec"]}
    expected["spec"]["selector"] = {
        "matchLabels": {
            "serving.knative.dev/revision": "shop-00001",
            "knstack.dev/reserved-instance": "true",
        }
    }
    expected["spec"]["template"]["metadata"]["labels"] = labels
    expected["spec"]["template"]["spec"]["containers"][0]["resources"] = SIZING
    assert reserved == expected
    assert list(reserved["spec"]) == list(expected["spec"])  # replicas first, as in Deployments

    # The revision Service selects both Deployments' pods: the interceptor always has an
    # endpoint, while the main Deployment scales from zero.
    selector = objects[("Service", "shop-00001")]["spec"]["selector"]
    for deployment in (main, reserved):
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= pod_labels.items()
    assert "replicas" not in main["spec"]
    assert objects[("HTTPScaledObject", "shop-00001")]["spec"]["replicas"]["min"] == 0
    assert build.warnings == []


def test_environment_default_and_template_override(tmp_path):
    settings = {**ADD_ON, "reservedInstance": {"enabled": True}}
    with_default = of_kind(build_cluster(tmp_path, _yaml(), settings).manifests, "Deployment")
    assert sorted(with_default) == ["shop-00001-deployment", "shop-00001-reserved"]
    # The environment's default sizing (25m/64Mi requests, 250m/128Mi limits).
    container = with_default["shop-00001-reserved"]["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"] == {
        "limits": {"cpu": "250m", "memory": "128Mi"},
        "requests": {"cpu": "25m", "memory": "64Mi"},
    }
    opted_out = of_kind(
        build_cluster(
            tmp_path, _yaml({"knstack.dev/reserved-instance": "false"}), settings
        ).manifests,
        "Deployment",
    )
    assert sorted(opted_out) == ["shop-00001-deployment"]


def test_no_reserved_pod_where_the_revision_never_scales_to_zero(tmp_path):
    # min-scale 1: the revision keeps a full pod anyway; the explicit request is reported.
    build = build_cluster(
        tmp_path, _yaml({**RESERVED, "autoscaling.knative.dev/min-scale": "1"}), ADD_ON
    )
    assert sorted(of_kind(build.manifests, "Deployment")) == ["shop-00001-deployment"]
    assert build.warnings == [
        "Revision demo/shop-00001: knstack.dev/reserved-instance has no effect: the revision never "
        "scales to zero here (it needs the KPA class on the KEDA HTTP add-on and min-scale 0)"
    ]
    # Without the add-on the revision runs fixed replicas: an environment default is silent.
    quiet = build_cluster(tmp_path, _yaml(), {"reservedInstance": {"enabled": True}})
    assert sorted(of_kind(quiet.manifests, "Deployment")) == ["shop-00001-deployment"]
    assert all("reserved" not in warning for warning in quiet.warnings)
