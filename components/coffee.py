"""`coffee`: two revisions, 70% on the stable one, 30% on the tagged candidate.

Revision coffee-00001 (image 1.0.0) is in each environment's ledger; the template below
(image 1.1.0, a lighter roast) is coffee-00002, reachable on its own at
`candidate-coffee.<namespace>.<domain>`.
"""

from knstack.api import (
    Autoscaling,
    Container,
    EnvVar,
    HTTPGetAction,
    ObjectMeta,
    Probe,
    ResourceRequirements,
    RevisionSpec,
    RevisionTemplateSpec,
    Service,
    ServiceSpec,
    TrafficTarget,
)

IMAGE = (
    "registry.example.com/coffee-shop/coffee:1.1.0"
    "@sha256:e01ec8a785a28b2216e9e101b8706dbf8267d654dea5b4be8813f1873775a79a"
)

coffee = Service(
    metadata=ObjectMeta(name="coffee", labels={"app.kubernetes.io/part-of": "coffee-shop"}),
    spec=ServiceSpec(
        template=RevisionTemplateSpec(
            metadata=ObjectMeta(
                annotations=Autoscaling(min_scale=1, max_scale=10, target=50).annotations()
            ),
            spec=RevisionSpec(
                container_concurrency=100,
                timeout_seconds=60,
                containers=[
                    Container(
                        image=IMAGE,
                        env=[EnvVar(name="ROAST", value="light")],
                        resources=ResourceRequirements(
                            requests={"cpu": "100m", "memory": "128Mi"},
                            limits={"cpu": "500m", "memory": "256Mi"},
                        ),
                        readiness_probe=Probe(http_get=HTTPGetAction(path="/healthz")),
                        liveness_probe=Probe(
                            http_get=HTTPGetAction(path="/healthz"), period_seconds=15
                        ),
                    )
                ],
            ),
        ),
        traffic=[
            TrafficTarget(revision_name="coffee-00001", percent=70),
            TrafficTarget(latest_revision=True, percent=30, tag="candidate"),
        ],
    ),
)
