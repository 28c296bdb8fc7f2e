"""The CRD converter's rules, checked with a JSON Schema validator (fast, no kubeconform)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from knstack.errors import InputError
from knstack.validate.crd_schema import OBJECT_META_DEF, convert_crd_version
from knstack.validate.crds import CrdSource, convert_sources, crd_files, sources_from_files
from knstack.validate.kubernetes_schemas import definitions_closure, kubernetes_schemas

OBJECT_META = {
    OBJECT_META_DEF: {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "additionalProperties": False,
    }
}


def convert(schema: dict[str, Any]) -> jsonschema.Draft202012Validator:
    converted = convert_crd_version(
        schema, group="example.com", version="v1", kind="Widget", object_meta_defs=OBJECT_META
    )
    jsonschema.Draft202012Validator.check_schema(converted)
    return jsonschema.Draft202012Validator(converted)


def widget(spec: Any, **extra: Any) -> dict[str, Any]:
    return {
        "apiVersion": "example.com/v1",
        "kind": "Widget",
        "metadata": {"name": "w"},
        "spec": spec,
        **extra,
    }


def root(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "apiVersion": {"type": "string"},
            "kind": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": spec,
        },
    }


def test_objects_with_properties_are_closed_at_every_level() -> None:
    validator = convert(
        root(
            {
                "type": "object",
                "properties": {
                    "size": {"type": "integer"},
                    "inner": {"type": "object", "properties": {"a": {"type": "string"}}},
                },
            }
        )
    )
    assert validator.is_valid(widget({"size": 1, "inner": {"a": "x"}}))
    assert not validator.is_valid(widget({"size": 1, "sise": 2}))
    assert not validator.is_valid(widget({"inner": {"b": "x"}}))
    assert not validator.is_valid(widget({}, extra="top-level"))


def test_preserve_unknown_fields_keeps_that_node_open_but_not_its_children() -> None:
    spec = {
        "type": "object",
        "x-kubernetes-preserve-unknown-fields": True,
        "properties": {"typed": {"type": "object", "properties": {"a": {"type": "string"}}}},
    }
    validator = convert(root(spec))
    assert validator.is_valid(widget({"anything": {"goes": [1, 2]}, "typed": {"a": "x"}}))
    assert not validator.is_valid(widget({"typed": {"b": "x"}}))  # not inherited
    assert not validator.is_valid(widget({"typed": {"a": 1}}))  # known fields keep their types


def test_preserve_unknown_without_type_accepts_any_value() -> None:
    validator = convert(
        root(
            {
                "type": "object",
                "properties": {"raw": {"x-kubernetes-preserve-unknown-fields": True}},
            }
        )
    )
    for value in ({"a": 1}, [1], "s", 3):
        assert validator.is_valid(widget({"raw": value}))


def test_maps_keep_their_value_schema() -> None:
    validator = convert(
        root(
            {
                "type": "object",
                "properties": {
                    "metadata": {"type": "object", "additionalProperties": {"type": "string"}}
                },
            }
        )
    )
    assert validator.is_valid(widget({"metadata": {"any-key": "v", "other": "w"}}))
    assert not validator.is_valid(widget({"metadata": {"k": 1}}))


def test_int_or_string_accepts_integers_and_strings_only() -> None:
    validator = convert(
        root(
            {
                "type": "object",
                "properties": {
                    "port": {
                        "x-kubernetes-int-or-string": True,
                        "anyOf": [{"type": "integer"}, {"type": "string"}],
                    }
                },
            }
        )
    )
    assert validator.is_valid(widget({"port": 80}))
    assert validator.is_valid(widget({"port": "http"}))
    assert not validator.is_valid(widget({"port": 1.5}))
    assert not validator.is_valid(widget({"port": {"n": 1}}))


def test_old_int_or_string_format_is_understood() -> None:
    validator = convert(
        root({"type": "object", "properties": {"port": {"format": "int-or-string"}}})
    )
    assert validator.is_valid(widget({"port": 80})) and validator.is_valid(widget({"port": "http"}))
    assert not validator.is_valid(widget({"port": True}))


def test_nullable_accepts_null_and_others_do_not() -> None:
    validator = convert(
        root(
            {
                "type": "object",
                "properties": {"a": {"type": "string", "nullable": True}, "b": {"type": "string"}},
            }
        )
    )
    assert validator.is_valid(widget({"a": None}))
    assert not validator.is_valid(widget({"b": None}))


def test_value_validations_in_junctors_do_not_close_objects() -> None:
    # Structural schemas may repeat properties inside oneOf only to constrain values;
    # closing those objects would reject every field not named in the branch.
    spec = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}, "c": {"type": "string"}},
        "oneOf": [{"required": ["a"], "properties": {"a": {"minLength": 1}}}, {"required": ["b"]}],
    }
    validator = convert(root(spec))
    assert validator.is_valid(widget({"a": "x", "c": "y"}))
    assert not validator.is_valid(widget({"a": "x", "b": "y"}))  # oneOf still enforced
    assert not validator.is_valid(widget({"c": "y"}))


def test_root_metadata_is_object_meta_whatever_the_crd_says() -> None:
    validator = convert(root({"type": "object"}))
    assert validator.is_valid(widget({}, metadata={"name": "w", "labels": {"a": "b"}}))
    assert not validator.is_valid(widget({}, metadata={"name": "w", "lables": {}}))


def test_api_version_and_kind_are_pinned() -> None:
    validator = convert(root({"type": "object"}))
    assert not validator.is_valid({**widget({}), "apiVersion": "example.com/v2"})
    assert not validator.is_valid({**widget({}), "kind": "Gadget"})


def test_embedded_resources_get_type_meta_and_object_meta() -> None:
    spec = {
        "type": "object",
        "properties": {
            "template": {
                "type": "object",
                "x-kubernetes-embedded-resource": True,
                "properties": {
                    "spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": True}
                },
            }
        },
    }
    validator = convert(root(spec))
    template = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"anything": 1},
    }
    assert validator.is_valid(widget({"template": template}))
    assert not validator.is_valid(widget({"template": {**template, "metadata": {"nmae": "p"}}}))


def test_cel_rules_are_left_out() -> None:
    schema = root(
        {
            "type": "object",
            "x-kubernetes-validations": [{"rule": "self.a < 3", "message": "m"}],
            "properties": {"a": {"type": "integer"}},
        }
    )
    converted = convert_crd_version(
        schema, group="example.com", version="v1", kind="Widget", object_meta_defs=OBJECT_META
    )
    assert "x-kubernetes-validations" not in converted["properties"]["spec"]


def test_knative_service_crd_keeps_template_metadata_open(
    upstream_crds: Path, schema_cache: Path
) -> None:
    text = (upstream_crds / "knative-serving/config/core/300-resources/service.yaml").read_text()
    converted = convert_sources(
        [CrdSource("service.yaml", text)], kubernetes_schemas("1.33.0", schema_cache)
    )
    schema = converted.schemas["serving.knative.dev/service_v1.json"]
    template = schema["properties"]["spec"]["properties"]["template"]["properties"]
    assert "additionalProperties" not in template["metadata"]  # preserve-unknown: open
    assert template["spec"]["additionalProperties"] is False  # the PodSpec subset: closed
    assert template["spec"]["properties"]["affinity"].get("additionalProperties") is None
    assert converted.labels == {
        "serving.knative.dev/service_v1.json": "serving.knative.dev/v1 Service"
    }


def test_object_meta_comes_from_the_kubernetes_schemas(schema_cache: Path) -> None:
    definitions = kubernetes_schemas("1.33.0", schema_cache).definitions()
    closure = definitions_closure(definitions, OBJECT_META_DEF)
    assert OBJECT_META_DEF in closure
    assert (
        "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference" in closure
    )  # referenced by ObjectMeta
    assert "io.k8s.api.apps.v1.Deployment" not in closure


def test_unserved_versions_are_skipped_and_duplicates_warned(schema_cache: Path) -> None:
    def crd(served: bool, description: str, properties: dict[str, Any] | None = None) -> str:
        return yaml.safe_dump(
            {
                "apiVersion": "apiextensions.k8s.io/v1",
                "kind": "CustomResourceDefinition",
                "metadata": {"name": "widgets.example.com"},
                "spec": {
                    "group": "example.com",
                    "names": {"kind": "Widget", "plural": "widgets"},
                    "scope": "Namespaced",
                    "versions": [
                        {
                            "name": "v1",
                            "served": True,
                            "storage": True,
                            "schema": {
                                "openAPIV3Schema": {
                                    "type": "object",
                                    "description": description,
                                    "properties": properties or {},
                                }
                            },
                        },
                        {
                            "name": "v0",
                            "served": served,
                            "storage": False,
                            "schema": {"openAPIV3Schema": {"type": "object"}},
                        },
                    ],
                },
            }
        )

    kubernetes = kubernetes_schemas("1.33.0", schema_cache)
    converted = convert_sources(
        [CrdSource("a.yaml", crd(False, "one")), CrdSource("b.yaml", crd(False, "two"))], kubernetes
    )
    assert sorted(converted.schemas) == ["example.com/widget_v1.json"]
    assert converted.schemas["example.com/widget_v1.json"]["description"] == "one"
    # Definitions that differ only in their descriptions check the same: no warning.
    assert converted.warnings == []
    retyped = crd(False, "two", {"size": {"type": "integer"}})
    converted = convert_sources(
        [CrdSource("a.yaml", crd(False, "one")), CrdSource("b.yaml", retyped)], kubernetes
    )
    assert converted.warnings == [
        "example.com/v1 Widget: defined differently in a.yaml and b.yaml; using a.yaml"
    ]


def test_broken_crd_files_name_file_and_object(schema_cache: Path) -> None:
    kubernetes = kubernetes_schemas("1.33.0", schema_cache)
    old = "apiVersion: apiextensions.k8s.io/v1beta1\nkind: CustomResourceDefinition\nmetadata: {name: old.example.com}\n"
    with pytest.raises(InputError) as caught:
        convert_sources(
            [
                CrdSource("old.yaml", old),
                CrdSource("bad.yaml", "kind: CustomResourceDefinition\n  : ["),
            ],
            kubernetes,
        )
    messages = [str(p) for p in caught.value.problems]
    assert any(
        m.startswith("old.yaml: CustomResourceDefinition old.example.com: field apiVersion:")
        for m in messages
    )
    assert any(m.startswith("bad.yaml:") and "invalid YAML" in m for m in messages)


def test_every_upstream_crd_converts_to_a_valid_schema(
    upstream_crds: Path, schema_cache: Path
) -> None:
    sources = sources_from_files(crd_files([upstream_crds]))
    converted = convert_sources(sources, kubernetes_schemas("1.33.0", schema_cache))
    assert converted.warnings == []
    for relative, schema in converted.schemas.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["additionalProperties"] is False, relative
    groups = {label.split("/")[0] for label in converted.labels.values()}
    assert {
        "serving.knative.dev",
        "gateway.networking.k8s.io",
        "keda.sh",
        "http.keda.sh",
        "networking.istio.io",
        "tekton.dev",
    } <= groups
    assert {
        "serving.knative.dev/v1 Service",
        "gateway.networking.k8s.io/v1 HTTPRoute",
        "keda.sh/v1alpha1 ScaledObject",
        "http.keda.sh/v1alpha1 HTTPScaledObject",
        "networking.istio.io/v1 VirtualService",
        "tekton.dev/v1 Task",
    } <= set(converted.labels.values())
