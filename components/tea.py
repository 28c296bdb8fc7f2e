"""`tea`: the HPA class, scaling on CPU (70% of the request) between 2 and 8 pods."""

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
    Service,
    ServiceSpec,
)

IMAGE = (
    "registry.example.com/coffee-shop/tea:2.3.1"
    "@sha256:a08d727160244de8bb7fb1315ebc12371c2466bb3e69d01a2fe5da5456007649"
)

tea = Service(
    metadata=ObjectMeta(name="tea", labels={"app.kubernetes.io/part-of": "coffee-shop"}),
    spec=ServiceSpec(
        template=RevisionTemplateSpec(
            metadata=ObjectMeta(
                annotations=Autoscaling(
                    klass=HPA, metric="cpu", target=70, min_scale=2, max_scale=8, window=120
                ).annotations()
            ),
            spec=RevisionSpec(
                containers=[
                    Container(
                        image=IMAGE,
                        resources=ResourceRequirements(
                            requests={"cpu": "200m", "memory": "128Mi"},
                            limits={"cpu": "1", "memory": "256Mi"},
                        ),
                        readiness_probe=Probe(http_get=HTTPGetAction(path="/ready")),
                        liveness_probe=Probe(http_get=HTTPGetAction(path="/healthz")),
                    )
                ],
            ),
        ),
    ),
)
