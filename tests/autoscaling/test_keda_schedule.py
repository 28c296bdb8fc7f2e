"""Schedule + HPA: a KEDA ScaledObject with cron triggers and the CPU/memory trigger,
from typed, validated knstack annotations."""

from __future__ import annotations

import json

import pytest

from knstack.api import HPA, Autoscaling, Schedule, ScheduleWindow
from knstack.errors import InputError
from tests.crd import crd_errors
from tests.render_helpers import build_cluster, index, of_kind, revision_labels, service_yaml

WINDOWS = [
    {"start": "0 8 * * 1-5", "end": "0 20 * * 1-5", "replicas": 6},
    {"start": "30 11 * * SAT", "end": "0 15 * * SAT", "replicas": 4},
]
SCHEDULE = {
    "autoscaling.knative.dev/class": "hpa.autoscaling.knative.dev",
    "autoscaling.knative.dev/metric": "cpu",
    "autoscaling.knative.dev/target": "70",
    "autoscaling.knative.dev/min-scale": "2",
    "autoscaling.knative.dev/max-scale": "12",
    "autoscaling.knative.dev/window": "120s",
    "knstack.dev/schedule": json.dumps(WINDOWS),
    "knstack.dev/schedule-timezone": "Europe/Berlin",
}


def _yaml(annotations: dict[str, str]) -> str:
    escaped = {k: v.replace('"', '\\"') for k, v in annotations.items()}
    return service_yaml(
        "shop", [{"image": "registry.example.com/demo/shop:1", "annotations": escaped}]
    )


def _cron(start: str, end: str, replicas: int) -> dict:
    return {
        "type": "cron",
        "metadata": {
            "timezone": "Europe/Berlin",
            "start": start,
            "end": end,
            "desiredReplicas": str(replicas),
        },
    }


def test_hpa_class_with_a_schedule_gets_a_scaled_object_instead_of_an_hpa(tmp_path):
    build = build_cluster(tmp_path, _yaml(SCHEDULE))
    objects = index(build.manifests)
    scaled = objects[("ScaledObject", "shop-00001")]
    assert scaled == {
        "apiVersion": "keda.sh/v1alpha1",
        "kind": "ScaledObject",
        "metadata": {
            "name": "shop-00001",
            "namespace": "demo",
            "labels": revision_labels("shop-00001"),
            "annotations": dict(sorted(SCHEDULE.items())),
        },
        "spec": {
            "scaleTargetRef": {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": "shop-00001-deployment",
            },
            "minReplicaCount": 2,
            "maxReplicaCount": 12,
            "advanced": {
                "horizontalPodAutoscalerConfig": {
                    "behavior": {
                        "scaleDown": {"stabilizationWindowSeconds": 120},
                        "scaleUp": {"stabilizationWindowSeconds": 120},
                    }
                }
            },
            "triggers": [
                _cron("0 8 * * 1-5", "0 20 * * 1-5", 6),
                _cron("30 11 * * SAT", "0 15 * * SAT", 4),
                {"type": "cpu", "metricType": "Utilization", "metadata": {"value": "70"}},
            ],
        },
    }
    assert crd_errors(scaled) == []
    # KEDA creates the HPA; knstack renders none, and the Deployment leaves replicas alone.
    assert not of_kind(build.manifests, "HorizontalPodAutoscaler")
    assert "replicas" not in objects[("Deployment", "shop-00001-deployment")]["spec"]
    assert ("PodDisruptionBudget", "shop-00001") in objects


def test_python_api_writes_the_same_annotations():
    annotations = {
        **Autoscaling(
            klass=HPA, metric="cpu", target=70, min_scale=2, max_scale=12, window=120
        ).annotations(),
        **Schedule(tuple(ScheduleWindow(**w) for w in WINDOWS), "Europe/Berlin").annotations(),
    }
    assert annotations == SCHEDULE
    assert Schedule.of(annotations) == Schedule(
        tuple(ScheduleWindow(**w) for w in WINDOWS), "Europe/Berlin"
    )


def test_default_time_zone_is_utc_and_is_not_written():
    schedule = Schedule((ScheduleWindow("0 8 * * *", "0 9 * * *", 3),))
    assert schedule.annotations() == {
        "knstack.dev/schedule": '[{"start": "0 8 * * *", "end": "0 9 * * *", "replicas": 3}]'
    }
    assert Schedule.of(schedule.annotations()).timezone == "UTC"


FIELD = 'spec.template.metadata.annotations["knstack.dev/schedule"]'
TZ_FIELD = 'spec.template.metadata.annotations["knstack.dev/schedule-timezone"]'


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {
                "autoscaling.knative.dev/class": "kpa.autoscaling.knative.dev",
                "autoscaling.knative.dev/metric": "concurrency",
            },
            FIELD,
            "a schedule needs the HPA class",
        ),
        ({"autoscaling.knative.dev/metric": "requests"}, FIELD, "not the metric 'requests'"),
        ({"knstack.dev/schedule": "[{start: 1}]"}, FIELD, "is not valid JSON"),
        ({"knstack.dev/schedule": "[]"}, FIELD, "must be a non-empty JSON list"),
        (
            {"knstack.dev/schedule": json.dumps([{**WINDOWS[0], "start": "0 8 * *"}])},
            FIELD,
            "has 4 field(s)",
        ),
        (
            {"knstack.dev/schedule": json.dumps([{**WINDOWS[0], "end": "0 24 * * 1-5"}])},
            FIELD,
            "hour '24' is not a value between 0 and 23",
        ),
        (
            {"knstack.dev/schedule": json.dumps([{**WINDOWS[0], "start": "*/0 * * * *"}])},
            FIELD,
            "step '0' must be a positive",
        ),
        (
            {"knstack.dev/schedule": json.dumps([{**WINDOWS[0], "start": "0 8 * * FRI-MON"}])},
            FIELD,
            "runs backwards",
        ),
        (
            {"knstack.dev/schedule": json.dumps([{**WINDOWS[0], "start": "@daily"}])},
            FIELD,
            "descriptors",
        ),
        (
            {"knstack.dev/schedule": json.dumps([{**WINDOWS[0], "end": "0  8 * * 1-5"}])},
            FIELD,
            "start and end are the same",
        ),
        (
            {"knstack.dev/schedule": json.dumps([{**WINDOWS[0], "replicas": 2}])},
            FIELD,
            "replicas=2 has no effect",
        ),
        (
            {"knstack.dev/schedule": json.dumps([{**WINDOWS[0], "replicas": 13}])},
            FIELD,
            "more than max-scale=12",
        ),
        (
            {"knstack.dev/schedule": json.dumps([{**WINDOWS[0], "replicas": "6"}])},
            FIELD,
            "replicas must be a whole number",
        ),
        (
            {
                "knstack.dev/schedule": json.dumps(
                    [{"start": "0 8 * * *", "replicas": 3, "size": 1}]
                )
            },
            FIELD,
            "unknown key(s) size",
        ),
        (
            {"knstack.dev/schedule-timezone": "Europe/Atlantis"},
            TZ_FIELD,
            "unknown time zone 'Europe/Atlantis'",
        ),
        ({"knstack.dev/schedule-timezone": "Local"}, TZ_FIELD, "unknown time zone 'Local'"),
    ],
)
def test_bad_schedules_are_rejected_with_file_object_and_field(tmp_path, change, field, message):
    with pytest.raises(InputError) as raised:
        build_cluster(tmp_path, _yaml({**SCHEDULE, **change}))
    problems = [p for p in raised.value.problems if p.field == field]
    assert problems, raised.value.problems
    assert any(message in p.message for p in problems), [p.message for p in problems]
    assert all(p.obj == "Service demo/shop" and p.file.startswith(str(tmp_path)) for p in problems)


def test_time_zone_without_a_schedule_is_rejected(tmp_path):
    annotations = {"knstack.dev/schedule-timezone": "UTC"}
    with pytest.raises(InputError) as raised:
        build_cluster(tmp_path, _yaml(annotations))
    (problem,) = raised.value.problems
    assert (
        problem.field == TZ_FIELD
        and "only meaningful together with knstack.dev/schedule" in problem.message
    )


def test_memory_metric_uses_the_memory_trigger(tmp_path):
    annotations = {
        **SCHEDULE,
        "autoscaling.knative.dev/metric": "memory",
        "autoscaling.knative.dev/target": "256",
    }
    scaled = of_kind(build_cluster(tmp_path, _yaml(annotations)).manifests, "ScaledObject")[
        "shop-00001"
    ]
    assert scaled["spec"]["triggers"][-1] == {
        "type": "memory",
        "metricType": "AverageValue",
        "metadata": {"value": "256Mi"},
    }
