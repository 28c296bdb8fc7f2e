"""The typed model: Knative's field names in YAML, snake_case in Python, typed annotations."""

from __future__ import annotations

import pytest

from knstack.api import (
    HPA,
    Autoscaling,
    Container,
    ContainerPort,
    ObjectMeta,
    RevisionSpec,
    RevisionTemplateSpec,
    Service,
    ServiceSpec,
    TrafficTarget,
)
from knstack.api.autoscaling import parse_autoscaling
from knstack.api.duration import format_go_duration, parse_go_duration
from knstack.naming import child_name, revision_name


def test_python_and_yaml_spell_the_same_object() -> None:
    python = Service(
        metadata=ObjectMeta(name="web"),
        spec=ServiceSpec(
            template=RevisionTemplateSpec(
                spec=RevisionSpec(
                    container_concurrency=10,
                    containers=[
                        Container(
                            image="web:1", ports=[ContainerPort(container_port=8081, name="h2c")]
                        )
                    ],
                )
            ),
            traffic=[TrafficTarget(latest_revision=True, percent=100)],
        ),
    )
    as_yaml = {
        "apiVersion": "serving.knative.dev/v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {"image": "web:1", "ports": [{"containerPort": 8081, "name": "h2c"}]}
                    ],
                    "containerConcurrency": 10,
                }
            },
            "traffic": [{"latestRevision": True, "percent": 100}],
        },
    }
    assert python.to_dict() == as_yaml
    assert Service.model_validate(as_yaml) == python


def test_autoscaling_view_reads_kebab_keys_and_camel_case_aliases() -> None:
    view, problems = parse_autoscaling(
        {
            "autoscaling.knative.dev/minScale": "2",
            "autoscaling.knative.dev/max-scale": "10",
            "autoscaling.knative.dev/scaleDownDelay": "1m30s",
            "autoscaling.knative.dev/target": "0.5",
        }
    )
    assert problems == []
    assert (view.min_scale, view.max_scale, view.scale_down_delay, view.target) == (
        2,
        10,
        90.0,
        0.5,
    )
    assert view.is_kpa and view.effective_metric == "concurrency"


def test_autoscaling_view_writes_annotations_back() -> None:
    annotations = Autoscaling(
        klass=HPA, metric="memory", target=256, min_scale=1, window=60
    ).annotations()
    assert annotations == {
        "autoscaling.knative.dev/class": "hpa.autoscaling.knative.dev",
        "autoscaling.knative.dev/metric": "memory",
        "autoscaling.knative.dev/target": "256",
        "autoscaling.knative.dev/min-scale": "1",
        "autoscaling.knative.dev/window": "60s",
    }
    assert Autoscaling.of(annotations).effective_metric == "memory"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("0", 0), ("6s", 6), ("1m30s", 90), ("1h", 3600), ("1.5m", 90), ("250ms", 0.25)],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "5", "1d", "s", "1m 30s"])
def test_invalid_go_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_go_duration(text)


def test_format_go_duration() -> None:
    assert [format_go_duration(s) for s in (0, 45, 90, 3600, 3725)] == [
        "0s",
        "45s",
        "1m30s",
        "1h0m0s",
        "1h2m5s",
    ]


def test_child_names_are_shortened_like_kmeta() -> None:
    assert revision_name("shop", 7) == "shop-00007"
    long_parent = "a" * 70
    name = child_name(long_parent, "-deployment")
    assert len(name) <= 63 and name.endswith("-deployment")
    # 63 - len(suffix) - 32 characters of the parent, then its md5.
    assert name.startswith("a" * (63 - len("-deployment") - 32))
