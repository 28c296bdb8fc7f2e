"""`pastry`: the breakfast rush is known in advance, so capacity is planned for it.

HPA class on CPU (60% of the request, 1 to 10 pods) plus a schedule: on weekday
mornings (06:30-10:00, Berlin time) at least 6 pods run. KEDA combines both, so the
effective count is the larger of the schedule's and the CPU demand's.
"""

from knstack.api import (
    HPA,
    Autoscaling,
    Container,
    HTTPGetAction,
    ObjectMeta,
    Probe,
    ResourceRequirements,
    RevisionSpec,
    RevisionTemplateSpec,
    Schedule,
    ScheduleWindow,
    Service,
    ServiceSpec,
)

IMAGE = (
    "registry.example.com/coffee-shop/pastry:1.0.0"
    "@sha256:76048b0570610f739276672d4c59acbe7c3e21332caf5ed3c28ac08e1ac25ec1"
)
BREAKFAST_RUSH = Schedule(
    (ScheduleWindow(start="30 6 * * 1-5", end="0 10 * * 1-5", replicas=6),),
    timezone="Europe/Berlin",
)

pastry = Service(
    metadata=ObjectMeta(name="pastry", labels={"app.kubernetes.io/part-of": "coffee-shop"}),
    spec=ServiceSpec(
        template=RevisionTemplateSpec(
            metadata=ObjectMeta(
                annotations={
                    **Autoscaling(
                        klass=HPA, metric="cpu", target=60, min_scale=1, max_scale=10
                    ).annotations(),
                    **BREAKFAST_RUSH.annotations(),
                }
            ),
            spec=RevisionSpec(
                containers=[
                    Container(
                        image=IMAGE,
                        resources=ResourceRequirements(
                            requests={"cpu": "100m", "memory": "128Mi"},
                            limits={"cpu": "500m", "memory": "256Mi"},
                        ),
                        readiness_probe=Probe(http_get=HTTPGetAction(path="/healthz")),
                    )
                ],
            ),
        ),
    ),
)
