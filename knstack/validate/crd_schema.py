"""One CRD version's `openAPIV3Schema` -> a JSON Schema that kubeconform `-strict` can use.

kubeconform's own converter (scripts/openapi2jsonschema.py) closes every object that has
`properties` and ignores `x-kubernetes-preserve-unknown-fields`, so it rejects fields the
API server keeps (Knative's `spec.template.metadata`, `affinity`, ...). This converter
follows the API server's structural-schema rules instead:

- an object is closed (`additionalProperties: false`) unless it preserves unknown fields
  or declares `additionalProperties` (a map); preserve-unknown is not inherited, so the
  typed objects beneath such a node are still closed;
- `x-kubernetes-int-or-string` accepts an integer or a string;
- `nullable: true` accepts null;
- `metadata` of the object (and of embedded resources) is checked as a real ObjectMeta,
  since the API server validates it whatever the CRD says;
- value validations inside `allOf`/`anyOf`/`oneOf`/`not` are kept as written: they only
  constrain values, so closing objects there would reject valid input.

CEL rules (`x-kubernetes-validations`) cannot be checked by a JSON Schema validator and
are left out; the other `x-kubernetes-*` keys stay as annotations.
"""

from __future__ import annotations

import copy
from typing import Any

JSON_SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
OBJECT_META_DEF = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
OBJECT_META_REF = f"#/$defs/{OBJECT_META_DEF}"

# CEL rules: a JSON Schema validator cannot evaluate them (the other x-kubernetes-* keys are
# kept: validators ignore unknown keywords, and they show why a node is open).
_DROPPED = frozenset({"x-kubernetes-validations"})
_EMBEDDED_TYPE_META = {"apiVersion": {"type": "string"}, "kind": {"type": "string"}}


def convert_crd_version(
    schema: dict[str, Any],
    *,
    group: str,
    version: str,
    kind: str,
    object_meta_defs: dict[str, Any],
) -> dict[str, Any]:
    """The JSON Schema of `group/version` `kind`, self-contained (ObjectMeta in `$defs`)."""
    root = _convert(schema)
    properties = root.setdefault("properties", {})
    properties["apiVersion"] = {"type": "string", "enum": [f"{group}/{version}"]}
    properties["kind"] = {"type": "string", "enum": [kind]}
    properties["metadata"] = {"$ref": OBJECT_META_REF}
    root["type"] = "object"
    out: dict[str, Any] = {
        "$schema": JSON_SCHEMA_DRAFT,
        **root,
        "x-kubernetes-group-version-kind": [{"group": group, "kind": kind, "version": version}],
    }
    if object_meta_defs:
        out["$defs"] = copy.deepcopy(object_meta_defs)
    return out


def _convert(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROPPED:
            continue
        if key == "properties" and isinstance(value, dict):
            out[key] = {name: _convert(sub) for name, sub in value.items()}
        elif (key == "items" and isinstance(value, dict)) or (
            key == "additionalProperties" and isinstance(value, dict)
        ):
            out[key] = _convert(value)
        else:
            # Includes allOf/anyOf/oneOf/not: value validations only, never closed.
            out[key] = copy.deepcopy(value)

    if node.get("x-kubernetes-int-or-string") or node.get("format") == "int-or-string":
        out["type"] = ["integer", "string"]
        out.pop("format", None)

    if node.get("x-kubernetes-embedded-resource"):
        # The API server checks apiVersion, kind and metadata of embedded objects itself.
        properties = out.setdefault("properties", {})
        for name, sub in _EMBEDDED_TYPE_META.items():
            properties.setdefault(name, dict(sub))
        if not properties.get("metadata", {}).get("properties"):
            properties["metadata"] = {"$ref": OBJECT_META_REF}

    is_object = out.get("type") == "object" or "properties" in out
    preserves_unknown = bool(node.get("x-kubernetes-preserve-unknown-fields"))
    if is_object and not preserves_unknown and "additionalProperties" not in node:
        out["additionalProperties"] = False

    if node.get("nullable") and "type" in out:
        types = out["type"] if isinstance(out["type"], list) else [out["type"]]
        out["type"] = [*types, "null"] if "null" not in types else types
        if "enum" in out and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out
