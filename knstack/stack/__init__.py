"""Environment settings (stack files) and project discovery."""

from knstack.stack.loader import (
    Environment,
    Project,
    find_project,
    load_environment,
    parse_settings,
    read_project,
)
from knstack.stack.settings import (
    Cluster,
    ClusterSettings,
    GatewayRef,
    StackSettings,
    effective_cluster_settings,
)

__all__ = [
    "Cluster",
    "ClusterSettings",
    "Environment",
    "GatewayRef",
    "Project",
    "StackSettings",
    "effective_cluster_settings",
    "find_project",
    "load_environment",
    "parse_settings",
    "read_project",
]
