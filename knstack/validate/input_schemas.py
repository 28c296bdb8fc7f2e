"""JSON Schemas of knstack's own inputs, generated from the pydantic models, for editors.

Three files, committed under `schemas/` and regenerated with `knstack schema --write`:

- `stack.schema.json`: a stack file `stacks/Pulumi.<env>.yaml`; its `config:` keys
  `knstack:<setting>` are StackSettings (other keys belong to Pulumi and pass);
- `knative.schema.json`: a Knative Service, Configuration or Route as knstack reads it;
- `ledger.schema.json`: a revision ledger `stacks/<env>.ledger.yaml`.

The models stay the authority at run time (they also check what a schema cannot, like
DNS names and traffic sums); these files only let an editor complete and flag the YAML.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, TypeAdapter

from knstack.api.context import FEATURE_DEFAULTS, FEATURE_VALUES
from knstack.api.serving import Configuration, Route, Service
from knstack.fsutil import atomic_write_text
from knstack.ledger.model import RevisionLedger
from knstack.stack.loader import CONFIG_NAMESPACE
from knstack.stack.settings import settings_schema

JSON_SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = "schemas"


def stack_file_schema() -> dict[str, Any]:
    settings = settings_schema()
    defs = settings.pop("$defs", {})
    properties = {
        f"{CONFIG_NAMESPACE}:{name}": schema for name, schema in settings["properties"].items()
    }
    features = properties.get(f"{CONFIG_NAMESPACE}:features")
    if features is not None:  # the validator's rule, spelled out so editors offer the names
        features["propertyNames"] = {"enum": sorted(FEATURE_DEFAULTS)}
        features["additionalProperties"] = {"enum": list(FEATURE_VALUES)}
    known = sorted(properties)
    config = {
        "type": "object",
        "description": "Pulumi stack config. `knstack:*` keys are knstack's environment settings; other keys belong to Pulumi and its providers.",
        "properties": properties,
        # Unknown `knstack:` keys are typos; other namespaces are not ours to judge.
        "propertyNames": {
            "anyOf": [{"not": {"pattern": f"^{CONFIG_NAMESPACE}:"}}, {"enum": known}]
        },
    }
    return _document(
        title="knstack environment: stacks/Pulumi.<env>.yaml",
        description=settings.get("description", ""),
        body={"type": "object", "properties": {"config": config}},
        defs=defs,
    )


def knative_objects_schema() -> dict[str, Any]:
    adapter: TypeAdapter[Service | Configuration | Route] = TypeAdapter(
        Annotated[Service | Configuration | Route, Field(discriminator="kind")]
    )
    schema = adapter.json_schema(by_alias=True)
    defs = schema.pop("$defs", {})
    for kind in ("Service", "Configuration", "Route"):
        # The loader requires both (it dispatches on them); the models default them for Python.
        defs[kind]["required"] = ["apiVersion", "kind"]
    schema.pop("discriminator", None)  # OpenAPI, not JSON Schema; `kind` consts do the job
    return _document(
        title="Knative Serving object as knstack reads it (serving.knative.dev/v1 Service, Configuration, Route)",
        description="Ordinary Knative YAML; knstack rejects fields Knative's webhook would reject.",
        body=schema,
        defs=defs,
    )


def ledger_schema() -> dict[str, Any]:
    schema = RevisionLedger.model_json_schema(by_alias=True)
    defs = schema.pop("$defs", {})
    return _document(
        title="knstack revision ledger: stacks/<env>.ledger.yaml",
        description=schema.pop("description", ""),
        body=schema,
        defs=defs,
    )


GENERATORS: dict[str, Callable[[], dict[str, Any]]] = {
    "stack.schema.json": stack_file_schema,
    "knative.schema.json": knative_objects_schema,
    "ledger.schema.json": ledger_schema,
}


def generate() -> dict[str, str]:
    """Every schema file's exact text, by file name."""
    return {
        name: json.dumps(make(), indent=2, ensure_ascii=False) + "\n"
        for name, make in GENERATORS.items()
    }


def write_schemas(directory: Path) -> list[Path]:
    """Write every schema file that differs from what is there; the files written."""
    written = []
    for name, text in generate().items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            atomic_write_text(path, text)
            written.append(path)
    return written


def stale_schemas(directory: Path) -> list[str]:
    """The schema files missing from `directory` or different from the models."""
    return [
        name
        for name, text in generate().items()
        if not (directory / name).is_file()
        or (directory / name).read_text(encoding="utf-8") != text
    ]


def _document(
    *, title: str, description: str, body: dict[str, Any], defs: dict[str, Any]
) -> dict[str, Any]:
    document: dict[str, Any] = {"$schema": JSON_SCHEMA_DRAFT, "title": title}
    if description:
        document["description"] = description
    document.update({k: v for k, v in body.items() if k not in ("title", "description")})
    if defs:
        document["$defs"] = {name: defs[name] for name in sorted(defs)}
    result: dict[str, Any] = _without_field_titles(document)
    return result


def _without_field_titles(node: Any) -> Any:
    """Drop pydantic's per-field titles ("Sectionname"): noise in an editor's hover."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                out[key] = {
                    name: _drop_title(_without_field_titles(sub)) for name, sub in value.items()
                }
            else:
                out[key] = _without_field_titles(value)
        return out
    if isinstance(node, list):
        return [_without_field_titles(item) for item in node]
    return copy.copy(node)


def _drop_title(schema: Any) -> Any:
    if isinstance(schema, dict):
        schema.pop("title", None)
    return schema
