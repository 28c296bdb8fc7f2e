"""Strict schemas for the built-in objects this feature renders (a test helper).

Until kubeconform with the Kubernetes schemas checks everything, these spell out the
Kubernetes API (v1.33) for the fields knstack writes on Ingress (networking.k8s.io/v1),
PodDisruptionBudget (policy/v1), HorizontalPodAutoscaler (autoscaling/v2) and an
ExternalName Service (v1): unknown fields, wrong types and bad enum values fail.
Fields knstack never writes are left out, so they fail too.
"""

from __future__ import annotations

from typing import Any

import jsonschema

_STRING = {"type": "string"}
_INT32 = {"type": "integer", "minimum": 0, "maximum": 2147483647}
_INT_OR_STRING = {"type": ["integer", "string"]}
_LABELS = {"type": "object", "additionalProperties": _STRING}


def _object(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


_METADATA = _object(
    {"name": _STRING, "namespace": _STRING, "labels": _LABELS, "annotations": _LABELS}, ("name",)
)
_SELECTOR = _object({"matchLabels": _LABELS})
_CROSS_VERSION_REF = _object(
    {"apiVersion": _STRING, "kind": _STRING, "name": _STRING}, ("kind", "name")
)
_SERVICE_BACKEND = _object(
    {"name": _STRING, "port": _object({"number": _INT32, "name": _STRING})}, ("name",)
)
_HPA_RULES = _object(
    {"stabilizationWindowSeconds": {"type": "integer", "minimum": 0, "maximum": 3600}}
)
_METRIC_TARGET = _object(
    {
        "type": {"enum": ["Utilization", "Value", "AverageValue"]},
        "averageUtilization": _INT32,
        "averageValue": _INT_OR_STRING,
        "value": _INT_OR_STRING,
    },
    ("type",),
)


def _kind(api_version: str, kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    return _object(
        {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": _METADATA,
            "spec": spec,
        },
        ("apiVersion", "kind", "metadata", "spec"),
    )


SCHEMAS: dict[tuple[str, str], dict[str, Any]] = {
    ("networking.k8s.io/v1", "Ingress"): _kind(
        "networking.k8s.io/v1",
        "Ingress",
        _object(
            {
                "ingressClassName": _STRING,
                "rules": {
                    "type": "array",
                    "items": _object(
                        {
                            "host": _STRING,
                            "http": _object(
                                {
                                    "paths": {
                                        "type": "array",
                                        "minItems": 1,
                                        "items": _object(
                                            {
                                                "path": _STRING,
                                                "pathType": {
                                                    "enum": [
                                                        "Exact",
                                                        "Prefix",
                                                        "ImplementationSpecific",
                                                    ]
                                                },
                                                "backend": _object({"service": _SERVICE_BACKEND}),
                                            },
                                            ("pathType", "backend"),
                                        ),
                                    }
                                },
                                ("paths",),
                            ),
                        }
                    ),
                },
            }
        ),
    ),
    ("policy/v1", "PodDisruptionBudget"): _kind(
        "policy/v1",
        "PodDisruptionBudget",
        _object(
            {
                "minAvailable": _INT_OR_STRING,
                "maxUnavailable": _INT_OR_STRING,
                "selector": _SELECTOR,
                "unhealthyPodEvictionPolicy": {"enum": ["IfHealthyBudget", "AlwaysAllow"]},
            }
        ),
    ),
    ("autoscaling/v2", "HorizontalPodAutoscaler"): _kind(
        "autoscaling/v2",
        "HorizontalPodAutoscaler",
        _object(
            {
                "scaleTargetRef": _CROSS_VERSION_REF,
                "minReplicas": {"type": "integer", "minimum": 1},
                "maxReplicas": {"type": "integer", "minimum": 1},
                "metrics": {
                    "type": "array",
                    "items": _object(
                        {
                            "type": {
                                "enum": [
                                    "Resource",
                                    "Pods",
                                    "Object",
                                    "External",
                                    "ContainerResource",
                                ]
                            },
                            "resource": _object(
                                {"name": _STRING, "target": _METRIC_TARGET}, ("name", "target")
                            ),
                            "pods": _object(
                                {
                                    "metric": _object({"name": _STRING}, ("name",)),
                                    "target": _METRIC_TARGET,
                                },
                                ("metric", "target"),
                            ),
                        },
                        ("type",),
                    ),
                },
                "behavior": _object({"scaleUp": _HPA_RULES, "scaleDown": _HPA_RULES}),
            },
            ("scaleTargetRef", "maxReplicas"),
        ),
    ),
    ("v1", "Service"): _kind(
        "v1",
        "Service",
        _object(
            {
                "type": {"enum": ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]},
                "externalName": _STRING,
                "selector": _LABELS,
                "ports": {
                    "type": "array",
                    "items": _object(
                        {
                            "name": _STRING,
                            "port": {"type": "integer", "minimum": 1, "maximum": 65535},
                            "protocol": {"enum": ["TCP", "UDP", "SCTP"]},
                            "targetPort": _INT_OR_STRING,
                            "appProtocol": _STRING,
                        },
                        ("port",),
                    ),
                },
            }
        ),
    ),
}


def builtin_errors(manifest: dict[str, Any]) -> list[str]:
    """Violations of the Kubernetes API subset above (empty when valid or not covered)."""
    schema = SCHEMAS.get((manifest.get("apiVersion", ""), manifest.get("kind", "")))
    if schema is None:
        return []
    validator = jsonschema.Draft202012Validator(schema)
    name = manifest["metadata"].get("name")
    return [
        f"{manifest['kind']} {name}: {'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator.iter_errors(manifest)
    ]


def covered(manifest: dict[str, Any]) -> bool:
    return (manifest.get("apiVersion"), manifest.get("kind")) in SCHEMAS
