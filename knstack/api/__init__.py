"""Typed models of Knative Serving objects (serving.knative.dev/v1), YAML in and out.

    from knstack.api import Service, ServiceSpec, RevisionTemplateSpec, RevisionSpec, Container

Python attributes are snake_case; YAML keeps Knative's camelCase field names.
"""

from knstack.api.autoscaling import HPA, KPA, Autoscaling
from knstack.api.core import (
    Capabilities,
    ConfigMapVolumeSource,
    Container,
    ContainerPort,
    EnvFromSource,
    EnvVar,
    EnvVarSource,
    ExecAction,
    GRPCAction,
    HTTPGetAction,
    KeySelector,
    ObjectMeta,
    Probe,
    ResourceRequirements,
    SecretVolumeSource,
    SecurityContext,
    TCPSocketAction,
    Volume,
    VolumeMount,
)
from knstack.api.knstack_annotations import Schedule, ScheduleWindow
from knstack.api.serving import (
    Configuration,
    ConfigurationSpec,
    RevisionSpec,
    RevisionTemplateSpec,
    Route,
    RouteSpec,
    Service,
    ServiceSpec,
    TrafficTarget,
)

__all__ = [
    "HPA",
    "KPA",
    "Autoscaling",
    "Capabilities",
    "ConfigMapVolumeSource",
    "Configuration",
    "ConfigurationSpec",
    "Container",
    "ContainerPort",
    "EnvFromSource",
    "EnvVar",
    "EnvVarSource",
    "ExecAction",
    "GRPCAction",
    "HTTPGetAction",
    "KeySelector",
    "ObjectMeta",
    "Probe",
    "ResourceRequirements",
    "RevisionSpec",
    "RevisionTemplateSpec",
    "Route",
    "RouteSpec",
    "Schedule",
    "ScheduleWindow",
    "SecretVolumeSource",
    "SecurityContext",
    "Service",
    "ServiceSpec",
    "TCPSocketAction",
    "TrafficTarget",
    "Volume",
    "VolumeMount",
]
