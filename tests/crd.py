"""Check custom resources against the real CRDs in ../shared/upstream (a test helper).

Until `knstack validate` (kubeconform with CRD schemas) covers them, tests validate
knstack's KEDA, Istio and Gateway API output with `jsonschema` against each CRD's
`openAPIV3Schema`, made strict the way `kubeconform -strict` is: an object schema that
lists its properties rejects any other (unless it preserves unknown fields).
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

UPSTREAM = (Path(__file__).resolve().parent.parent.parent / "shared" / "upstream").resolve()
_GATEWAY_API = "gateway-api/config/crd/standard/gateway.networking.k8s.io_"
CRD_FILES: dict[tuple[str, str], str] = {
    ("keda.sh", "ScaledObject"): "keda/config/crd/bases/keda.sh_scaledobjects.yaml",
    (
        "http.keda.sh",
        "HTTPScaledObject",
    ): "keda-http-add-on/config/crd/bases/http.keda.sh_httpscaledobjects.yaml",
    (
        "networking.istio.io",
        "VirtualService",
    ): "istio/kubernetes/customresourcedefinitions.gen.yaml",
    ("gateway.networking.k8s.io", "HTTPRoute"): _GATEWAY_API + "httproutes.yaml",
    ("gateway.networking.k8s.io", "ReferenceGrant"): _GATEWAY_API + "referencegrants.yaml",
}
CUSTOM_GROUPS = frozenset(group for group, _ in CRD_FILES)


def is_custom(manifest: dict[str, Any]) -> bool:
    return str(manifest.get("apiVersion", "")).rpartition("/")[0] in CUSTOM_GROUPS


@cache
def crd_schema(api_version: str, kind: str) -> dict[str, Any]:
    """The strict openAPIV3Schema of a served CRD version."""
    group, _, version = api_version.rpartition("/")
    path = UPSTREAM / CRD_FILES[(group, kind)]
    for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        spec = (doc or {}).get("spec") or {}
        if spec.get("group") != group or spec.get("names", {}).get("kind") != kind:
            continue
        for served in spec["versions"]:
            if served["name"] == version and served.get("served"):
                return _strict(
                    _with_object_meta(copy.deepcopy(served["schema"]["openAPIV3Schema"]))
                )
        raise LookupError(f"{kind}.{group} has no served version {version} in {path}")
    raise LookupError(f"no CRD for {kind}.{group} in {path}")


def crd_errors(manifest: dict[str, Any]) -> list[str]:
    """Schema violations of one custom resource (empty when it is valid)."""
    schema = crd_schema(manifest["apiVersion"], manifest["kind"])
    validator = jsonschema.Draft202012Validator(schema)
    where = (
        f"{manifest['kind']} {manifest['metadata'].get('namespace')}/{manifest['metadata']['name']}"
    )
    return [
        f"{where}: {'.'.join(str(p) for p in error.absolute_path) or '<root>'}: {error.message}"
        for error in sorted(validator.iter_errors(manifest), key=lambda e: list(map(str, e.path)))
    ]


def _with_object_meta(schema: dict[str, Any]) -> dict[str, Any]:
    """Every object has apiVersion, kind and metadata, even where a CRD omits them (Istio)."""
    properties = schema.setdefault("properties", {})
    properties.setdefault("apiVersion", {"type": "string"})
    properties.setdefault("kind", {"type": "string"})
    properties.setdefault("metadata", {"type": "object"})
    return schema


def _strict(schema: Any) -> Any:
    if isinstance(schema, dict):
        for key, value in list(schema.items()):
            schema[key] = _strict(value)
        if (
            "properties" in schema
            and "additionalProperties" not in schema
            and not schema.get("x-kubernetes-preserve-unknown-fields")
        ):
            schema["additionalProperties"] = False
    elif isinstance(schema, list):
        return [_strict(item) for item in schema]
    return schema
