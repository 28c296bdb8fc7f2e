"""The Knative Serving platform the coffee shop runs on, in environments with the knative backend.

knstack reads `knative_platform(env)` as the environment's `knstack:knative` settings; a
stack file's own `knstack:knative` keys are laid over it. Its `config` (the typed Knative
ConfigMaps) is also what every environment validates the coffee shop against, whatever
its backend.
"""

from knstack.api.configmaps import AutoscalerConfig, GCConfig, ServingConfig
from knstack.stack.knative import (
    ContainerResources,
    HighAvailability,
    KnativeSettings,
    WorkloadSettings,
)


def knative_platform(env: str) -> KnativeSettings:
    production = env == "prod"
    return KnativeSettings(
        install=True,
        networking="kourier",
        config=ServingConfig(
            # Keep an idle pod a little longer than Knative's 30s: fewer cold starts at the till.
            autoscaler=AutoscalerConfig(scale_to_zero_grace_period="60s"),
            # Ten rollback targets per service are plenty; Knative keeps twenty by default.
            gc=GCConfig(min_non_active_revisions=10),
        ),
        # Two of everything in prod, so a node drain never takes the control plane down.
        high_availability=HighAvailability(replicas=2) if production else None,
        workloads=[
            # The activator buffers every request of a scaled-to-zero revision: give it room.
            WorkloadSettings(
                name="activator",
                resources=[
                    ContainerResources(
                        container="activator", requests={"cpu": "500m", "memory": "100Mi"}
                    )
                ],
            )
        ],
    )
