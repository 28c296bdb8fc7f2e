"""The knative backend's objects: ledger revision names, explicit traffic, scale-to-zero settings.

Every corpus sample renders, and each rendered Service is valid against the upstream
Service CRD's openAPIV3Schema, checked strictly (unknown fields rejected, as kubeconform
-strict does) with the jsonschema package.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from knstack.api.knstack_annotations import RESERVED_INSTANCE
from knstack.api.loader import load_text
from knstack.build import build_files, build_objects
from knstack.errors import InputError
from knstack.expand.knative.template import restricted_spec
from knstack.ledger.model import RevisionLedger
from knstack.stack.knative import KnativeSettings
from knstack.stack.settings import ReservedInstanceSettings, StackSettings
from knstack.vocabulary import AUTOSCALING_PREFIX as AUTOSCALING


def strict(schema: Any) -> Any:
    """The schema with unknown fields forbidden wherever Kubernetes would prune them."""
    if isinstance(schema, dict):
        out = {key: strict(value) for key, value in schema.items()}
        if (
            out.get("type") == "object"
            and "properties" in out
            and not out.get("x-kubernetes-preserve-unknown-fields")
        ):
            out.setdefault("additionalProperties", False)
        return out
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    return schema


@pytest.fixture(scope="module")
def service_validator(service_crd_schema: dict[str, Any]) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(strict(service_crd_schema))


def render(
    text: str, *, stack: StackSettings | None = None, file: str = "app.yaml"
) -> tuple[list[dict[str, Any]], list[str]]:
    settings = (stack or StackSettings()).model_copy(update={"backend": "knative"})
    objects = load_text(text, file, settings.serving_context(), settings.namespace)
    build = build_objects(objects, "test", settings, RevisionLedger(environment="test"))
    cluster = build.clusters[0]
    return cluster.manifests, cluster.warnings


def by_kind(manifests: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [
        m
        for m in manifests
        if m["kind"] == kind and m["apiVersion"].startswith("serving.knative.dev/")
    ]


def test_every_corpus_sample_renders_and_is_valid(
    corpus_files: list[Path], service_validator: jsonschema.Draft7Validator
) -> None:
    services = 0
    for path in corpus_files:
        build = build_files([path], backend="knative")
        for service in by_kind(build.clusters[0].manifests, "Service"):
            errors = sorted(service_validator.iter_errors(service), key=lambda e: list(e.path))
            assert not errors, f"{path.name}: {[f'{list(e.path)}: {e.message}' for e in errors]}"
            services += 1
    assert services >= len(corpus_files)


def test_the_schema_check_is_strict(service_validator: jsonschema.Draft7Validator) -> None:
    bad = {
        "apiVersion": "serving.knative.dev/v1",
        "kind": "Service",
        "metadata": {"name": "x"},
        "spec": {"template": {"spec": {"containers": [{"image": "i", "imagee": "typo"}]}}},
    }
    assert list(service_validator.iter_errors(bad))


def test_corpus_templates_keep_their_annotations_and_get_ledger_names(
    corpus_files: list[Path],
) -> None:
    """The ledger's name is the BYO name; autoscaling annotations reach Knative unchanged."""
    for path in corpus_files:
        build = build_files([path], backend="knative")
        services = {
            s["metadata"]["name"]: s for s in by_kind(build.clusters[0].manifests, "Service")
        }
        for config in build.plan.configurations:
            template = services[config.name]["spec"]["template"]
            assert template["metadata"]["name"] == config.latest.name
            assert template["metadata"]["name"].startswith(f"{config.name}-")
            written = config.latest.template.annotations()
            rendered = template["metadata"].get("annotations", {})
            assert {k: v for k, v in rendered.items() if k.startswith(AUTOSCALING)} == {
                k: v for k, v in written.items() if k.startswith(AUTOSCALING)
            }, path.name
            # The user's spec, plus the restricted securityContext on every container.
            user_spec = config.latest.template.to_dict()["spec"]
            assert template["spec"] == restricted_spec(user_spec), path.name


def test_traffic_names_every_revision_so_none_is_garbage_collected(
    corpus_files: list[Path],
) -> None:
    """Knative's GC never deletes a revision its Route names (routingState active)."""
    for path in corpus_files:
        build = build_files([path], backend="knative")
        services = by_kind(build.clusters[0].manifests, "Service")
        named = {t["revisionName"] for s in services for t in s["spec"]["traffic"]}
        assert {rev.name for rev in build.plan.revisions} <= named, path.name
        for service in services:
            for target in service["spec"]["traffic"]:
                assert target["latestRevision"] is False and "configurationName" not in target
            assert sum(t["percent"] for t in service["spec"]["traffic"]) == 100


HISTORY = """\
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: shop}
spec:
  template:
    metadata:
      annotations: {autoscaling.knative.dev/minScale: "0", autoscaling.knative.dev/window: "90s"}
    spec:
      containers: [{image: "registry.example.com/shop:1"}]
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: shop}
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/minScale: "0"
        autoscaling.knative.dev/window: "90s"
        autoscaling.knative.dev/panic-window-percentage: "20"
        autoscaling.knative.dev/scale-to-zero-pod-retention-period: "5m"
    spec:
      containers: [{image: "registry.example.com/shop:2"}]
  traffic:
  - {revisionName: shop-00001, percent: 90}
  - {latestRevision: true, percent: 10, tag: canary}
  - {revisionName: shop-00001, percent: 0, tag: stable}
"""


def test_history_renders_the_latest_template_and_pinned_split() -> None:
    manifests, _ = render(HISTORY)
    (service,) = by_kind(manifests, "Service")
    assert service["spec"]["template"]["metadata"]["name"] == "shop-00002"
    assert (
        service["spec"]["template"]["spec"]["containers"][0]["image"]
        == "registry.example.com/shop:2"
    )
    assert service["spec"]["traffic"] == [
        {"revisionName": "shop-00001", "latestRevision": False, "percent": 90},
        {"tag": "canary", "revisionName": "shop-00002", "latestRevision": False, "percent": 10},
        {"tag": "stable", "revisionName": "shop-00001", "latestRevision": False, "percent": 0},
    ]
    # KPA settings reach Knative as written, aliases included.
    assert service["spec"]["template"]["metadata"]["annotations"] == {
        "autoscaling.knative.dev/minScale": "0",
        "autoscaling.knative.dev/panic-window-percentage": "20",
        "autoscaling.knative.dev/scale-to-zero-pod-retention-period": "5m",
        "autoscaling.knative.dev/window": "90s",
    }
    assert not [m for m in manifests if m["kind"] in ("Deployment", "HorizontalPodAutoscaler")]


STANDALONE = """\
apiVersion: serving.knative.dev/v1
kind: Configuration
metadata: {name: worker, labels: {team: coffee}}
spec:
  template:
    spec:
      containers: [{image: "registry.example.com/worker:1"}]
---
apiVersion: serving.knative.dev/v1
kind: Route
metadata: {name: worker-route, labels: {networking.knative.dev/visibility: cluster-local}}
spec:
  traffic:
  - {configurationName: worker, percent: 100, tag: current}
"""


def test_standalone_configuration_and_route() -> None:
    manifests, _ = render(STANDALONE)
    (config,) = by_kind(manifests, "Configuration")
    (route,) = by_kind(manifests, "Route")
    assert config["metadata"] == {
        "name": "worker",
        "namespace": "default",
        "labels": {"team": "coffee"},
    }
    assert config["spec"]["template"]["metadata"]["name"] == "worker-00001"
    assert route["metadata"]["labels"] == {"networking.knative.dev/visibility": "cluster-local"}
    assert route["spec"]["traffic"] == [
        {"tag": "current", "revisionName": "worker-00001", "latestRevision": False, "percent": 100}
    ]
    assert not by_kind(manifests, "Service")


def test_a_name_knative_cannot_take_as_byo_name_is_rejected() -> None:
    name = "a" * 60  # the ledger shortens <name>-00001 past 63 characters, losing the prefix
    text = (
        f"apiVersion: serving.knative.dev/v1\nkind: Configuration\nmetadata: {{name: "
        f"{name}}}\nspec:\n  template:\n    spec:\n      containers: [{{image: registry.example.com/app:1}}]\n"
    )
    with pytest.raises(InputError) as caught:
        render(text, file="long.yaml")
    problem = caught.value.problems[0]
    assert (
        problem.file == "long.yaml:1"
        and problem.obj == f"Configuration default/{name}"
        and problem.field == "metadata.name"
    )


def _reserved(value: str | None, extra: str = "") -> str:
    annotation = f'\n        {RESERVED_INSTANCE}: "{value}"' if value is not None else ""
    return f"""\
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {{name: tea}}
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/target: "10"{annotation}{extra}
    spec:
      containers: [{{image: "registry.example.com/tea:1"}}]
"""


def _template_annotations(text: str, stack: StackSettings | None = None) -> dict[str, str]:
    manifests, _ = render(text, stack=stack)
    return by_kind(manifests, "Service")[0]["spec"]["template"]["metadata"]["annotations"]


def test_reserved_instance_true_keeps_one_pod() -> None:
    annotations = _template_annotations(_reserved("true"))
    assert annotations["autoscaling.knative.dev/min-scale"] == "1"
    assert annotations[RESERVED_INSTANCE] == "true"


def test_reserved_instance_replaces_a_zero_min_scale_under_its_own_key() -> None:
    annotations = _template_annotations(
        _reserved("true", '\n        autoscaling.knative.dev/minScale: "0"')
    )
    assert annotations["autoscaling.knative.dev/minScale"] == "1"
    assert "autoscaling.knative.dev/min-scale" not in annotations


def test_reserved_instance_false_opts_out_of_the_environment_default() -> None:
    stack = StackSettings(reserved_instance=ReservedInstanceSettings(enabled=True))
    assert (
        _template_annotations(_reserved("false"), stack)["autoscaling.knative.dev/min-scale"] == "0"
    )


def test_reserved_instance_default_is_an_environment_setting_not_a_template_change() -> None:
    """Knative rejects a changed template under the same BYO name: the template stays as written."""
    plain = _template_annotations(_reserved(None))
    reserved = _template_annotations(
        _reserved(None), StackSettings(reserved_instance=ReservedInstanceSettings(enabled=True))
    )
    assert plain == reserved == {"autoscaling.knative.dev/target": "10"}
    stack = StackSettings(
        reserved_instance=ReservedInstanceSettings(enabled=True),
        knative=KnativeSettings(install=True),
    )
    manifests, _ = render(_reserved(None), stack=stack)
    autoscaler = next(
        m
        for m in manifests
        if m["kind"] == "ConfigMap" and m["metadata"]["name"] == "config-autoscaler"
    )
    assert autoscaler["data"]["min-scale"] == "1"


def test_reserved_instance_leaves_the_hpa_class_alone() -> None:
    extra = '\n        autoscaling.knative.dev/class: "hpa.autoscaling.knative.dev"'
    annotations = _template_annotations(_reserved("true", extra))
    assert "autoscaling.knative.dev/min-scale" not in annotations


def test_reserved_instance_resources_do_not_apply_and_say_so() -> None:
    sized = ReservedInstanceSettings(enabled=True, resources={"requests": {"cpu": "10m"}})
    _, warnings = render(_reserved(None), stack=StackSettings(reserved_instance=sized))
    assert any(
        "reservedInstance.resources does not apply to the knative backend" in w for w in warnings
    )
    _, quiet = render(
        _reserved(None),
        stack=StackSettings(reserved_instance=ReservedInstanceSettings(enabled=True)),
    )
    assert not [w for w in quiet if "reservedInstance.resources" in w]


def test_hpa_class_installs_the_hpa_autoscaler_unless_refused() -> None:
    extra = '\n        autoscaling.knative.dev/class: "hpa.autoscaling.knative.dev"'
    manifests, _ = render(
        _reserved(None, extra), stack=StackSettings(knative=KnativeSettings(install=True))
    )
    assert any(
        m["kind"] == "Deployment" and m["metadata"]["name"] == "autoscaler-hpa" for m in manifests
    )
    plain, _ = render(_reserved(None), stack=StackSettings(knative=KnativeSettings(install=True)))
    assert not any(m["metadata"]["name"] == "autoscaler-hpa" for m in plain)
    with pytest.raises(InputError) as caught:
        render(
            _reserved(None, extra),
            stack=StackSettings(knative=KnativeSettings(install=True, hpa_autoscaler=False)),
        )
    assert "Revision default/tea-00001" in str(caught.value) and "hpaAutoscaler" in str(
        caught.value
    )


def test_without_install_only_the_applications_are_rendered() -> None:
    manifests, _ = render(_reserved(None))
    assert [m["kind"] for m in manifests] == ["Service"]
    assert yaml.safe_load(yaml.safe_dump(manifests)) == manifests


def test_pod_security_warning_without_secure_pod_defaults() -> None:
    """Against a Knative knstack does not install, bare containers would fail `restricted`."""
    text = _reserved(None).replace(
        "metadata: {name: tea}", "metadata: {name: tea, namespace: shop}"
    )
    _, warnings = render(text)
    assert any(
        "Revision shop/tea-00001" in w and "secure-pod-defaults is disabled" in w for w in warnings
    )
    _, installed = render(text, stack=StackSettings(knative=KnativeSettings(install=True)))
    assert not [w for w in installed if "Pod Security" in w]
    secured = text.replace(
        '[{image: "registry.example.com/tea:1"}]',
        '[{image: "registry.example.com/tea:1", securityContext: {runAsNonRoot: true, '
        "allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}, "
        "seccompProfile: {type: RuntimeDefault}}}]",
    )
    _, clean = render(secured)
    assert not [w for w in clean if "Pod Security" in w]


def test_settings_that_need_the_install_say_so_without_it() -> None:
    stack = StackSettings(reserved_instance=ReservedInstanceSettings(enabled=True))
    _, warnings = render(_reserved(None), stack=stack)
    assert any(
        "knstack:reservedInstance.enabled (config-autoscaler min-scale)" in w for w in warnings
    )
    installed = stack.model_copy(update={"knative": KnativeSettings(install=True)})
    _, quiet = render(_reserved(None), stack=installed)
    assert not [w for w in quiet if "writes only when it installs" in w]
