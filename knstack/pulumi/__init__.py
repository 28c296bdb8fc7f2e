"""Pulumi ComponentResources and the Pulumi program (see docs/pulumi.md).

Importing this package needs the `pulumi` extra (pulumi, pulumi-kubernetes).
"""

from knstack.pulumi.components import (
    Cluster,
    ClusterArgs,
    Configuration,
    ConfigurationArgs,
    KnativeServing,
    KnativeServingArgs,
    Route,
    RouteArgs,
    Service,
    ServiceArgs,
)

__all__ = [
    "Cluster",
    "ClusterArgs",
    "Configuration",
    "ConfigurationArgs",
    "KnativeServing",
    "KnativeServingArgs",
    "Route",
    "RouteArgs",
    "Service",
    "ServiceArgs",
]
