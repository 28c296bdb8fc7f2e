"""Resolution of Knative objects into concrete revisions and routes (see model.py)."""

from knstack.resolve.model import (
    ConfigurationPlan,
    RevisionPlan,
    RoutePlan,
    ServingPlan,
    TrafficSplit,
)
from knstack.resolve.resolver import ResolveResult, resolve

__all__ = [
    "ConfigurationPlan",
    "ResolveResult",
    "RevisionPlan",
    "RoutePlan",
    "ServingPlan",
    "TrafficSplit",
    "resolve",
]
