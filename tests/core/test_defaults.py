"""The defaulting step (knstack/resolve/defaults.py): revisions carry what the environment's
config maps imply, as Knative's SetDefaults and its builders' config give them, and the
builders read nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from knstack.api.loader import load_text
from knstack.build import EnvironmentBuild, build_objects
from knstack.ledger import RevisionLedger
from knstack.resolve import resolve
from knstack.resolve.defaults import apply_defaults
from knstack.stack.settings import StackSettings
from tests.core.helpers import manifests_by_key

SERVICE = """\
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: shop, namespace: default}
spec:
  template:
    metadata: {annotations: %s}
    spec:
      containerConcurrency: %s
      timeoutSeconds: %s
      containers:
      - {name: proxy, image: registry.example.com/proxy:1}
      - {image: registry.example.com/app:1, ports: [{containerPort: 8080}]}
      - {image: registry.example.com/log:1}
"""


def _build(
    config: dict[str, Any], annotations: str = "{}", cc: str = "null", timeout: str = "null"
) -> EnvironmentBuild:
    settings = StackSettings.model_validate({"knative": {"config": config}})
    objects = load_text(
        SERVICE % (annotations, cc, timeout), "shop.yaml", settings.serving_context()
    )
    return build_objects(objects, "files", settings, RevisionLedger(environment="files"))


def _deployment(build: EnvironmentBuild) -> dict[str, Any]:
    return manifests_by_key(build)[("Deployment", "shop-00001-deployment")]


def test_the_environment_config_gives_timeout_and_progress_deadline() -> None:
    build = _build(
        {
            "defaults": {"revision-timeout-seconds": "120"},
            "deployment": {"progress-deadline": "90s"},
        }
    )
    deployment = _deployment(build)
    assert deployment["spec"]["progressDeadlineSeconds"] == 90
    assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 120


def test_the_revision_wins_over_the_environment() -> None:
    build = _build(
        {"defaults": {"revision-timeout-seconds": "120", "container-concurrency": "10"}},
        annotations='{"serving.knative.dev/progress-deadline": "45s"}',
        cc="3",
        timeout="30",
    )
    deployment = _deployment(build)
    assert deployment["spec"]["progressDeadlineSeconds"] == 45
    assert deployment["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] == 30
    [rev] = build.plan.revisions
    assert rev.effective.container_concurrency == 3


def test_knative_defaults_apply_when_nothing_is_set() -> None:
    build = _build({})
    [rev] = build.plan.revisions
    assert (rev.effective.timeout_seconds, rev.effective.progress_deadline_seconds) == (300, 600)
    assert rev.effective.container_concurrency == 0


def test_unnamed_containers_are_named_from_the_template_counting_past_taken_names() -> None:
    build = _build({"defaults": {"container-name-template": "{{.Name}}-c"}})
    [rev] = build.plan.revisions
    assert rev.effective.container_names == ("proxy", "shop-c-0", "shop-c-1")
    containers = _deployment(build)["spec"]["template"]["spec"]["containers"]
    assert [c["name"] for c in containers] == ["proxy", "shop-c-0", "shop-c-1"]


def test_builders_refuse_a_plan_that_was_not_defaulted(tmp_path: Path) -> None:
    settings = StackSettings()
    objects = load_text(SERVICE % ("{}", "null", "null"), "shop.yaml")
    plan = resolve(objects, RevisionLedger(environment="files"), default_namespace="default").plan
    with pytest.raises(RuntimeError, match="not defaulted"):
        plan.revisions[0].effective  # noqa: B018
    defaulted = apply_defaults(plan, settings.knative.config)
    assert defaulted.revisions[0].effective.timeout_seconds == 300


PARTIAL = """\
apiVersion: serving.knative.dev/v1
kind: Service
metadata: {name: shop, namespace: default}
spec:
  template:
    spec:
      containers:
      - image: registry.example.com/app:1
        resources: {limits: {cpu: "2"}, requests: {memory: 1Gi}}
"""


@pytest.mark.parametrize(
    "stack",
    [
        # knstack's own setting, and the same values given as Knative's config-defaults
        {"defaults": {"resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}}}},
        {"knative": {"config": {"defaults": {"revision-cpu-request": "100m", "revision-memory-request": "128Mi", "revision-memory-limit": "256Mi"}}}},
    ],
)  # fmt: skip
def test_resource_defaults_fill_in_key_by_key(stack: dict[str, Any]) -> None:
    """applyDefault (knative/serving pkg/apis/serving/v1/revision_defaults.go): each request
    and limit the container leaves unset takes config-defaults' (the kubernetes backend gave
    a container with any resources none of the defaults before)."""
    settings = StackSettings.model_validate(stack)
    objects = load_text(PARTIAL, "shop.yaml", settings.serving_context())
    build = build_objects(objects, "files", settings, RevisionLedger(environment="files"))
    [container] = _deployment(build)["spec"]["template"]["spec"]["containers"][:1]
    assert container["resources"] == {
        "requests": {"cpu": "100m", "memory": "1Gi"},  # the container's memory wins
        "limits": {"cpu": "2", "memory": "256Mi"},
    }
