"""Load Knative objects from ordinary YAML (multi-document files included).

Every problem names the file (with the document's line), the object and the field.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from knstack import limits
from knstack.api.context import DEFAULT_CONTEXT, ServingContext
from knstack.api.serving import SERVING_KINDS, ServingObject
from knstack.api.validation import validate_object
from knstack.errors import InputError, Problem, field_path, split_levels
from knstack.vocabulary import SERVING_API_VERSION
from knstack.yamlconstruct import ScalarTagCache, construct_document

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(ScalarTagCache, _Loader):  # type: ignore[misc, valid-type]
    """SafeLoader that rejects duplicate keys, as Kubernetes' strict decoding does (the
    fast constructor in knstack/yamlconstruct.py checks them too; this is its fallback)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):
                break  # PyYAML's own check below reports "found unhashable key"
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"duplicate key {key!r} (first at line {seen[key]})",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _StrictLoader.construct_mapping
)


@dataclass(frozen=True)
class Source:
    """Where an object came from: a file and the line its document starts on."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class LoadedObject:
    obj: ServingObject
    source: Source
    # What Knative admits but knstack advises against (errors.WARNING), located.
    warnings: tuple[Problem, ...] = ()


def read_yaml_documents(text: str, file: str) -> list[tuple[dict[str, Any] | Any, int]]:
    """Each non-empty document with the line it starts on. Syntax errors become InputError,
    and so do inputs past a limit of knstack/limits.py."""
    limits.check("input_bytes", len(text), file=file, what="the file's size (characters)")
    loader = _StrictLoader(text)
    documents: list[tuple[Any, int]] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            data = construct_document(loader, node, unique_keys=True, file=file, text=text)
            if data is not None:
                documents.append((data, node.start_mark.line + 1))
                limits.check(
                    "objects", len(documents), file=file, what="the number of objects (documents)"
                )
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{file}:{mark.line + 1}" if mark else file
        problem = getattr(err, "problem", None) or str(err)
        raise InputError(Problem(f"invalid YAML: {problem}", file=where)) from None
    finally:
        loader.dispose()
    return documents


def parse_serving_object(
    doc: Any, source: Source, default_namespace: str | None = None
) -> ServingObject:
    """Turn one YAML document into a typed Knative object (structure and types only)."""
    if not isinstance(doc, dict):
        raise InputError(
            Problem(
                f"expected a Kubernetes object (a mapping), got {type(doc).__name__}",
                file=str(source),
            )
        )
    kind = doc.get("kind")
    api_version = doc.get("apiVersion")
    found = doc.get("metadata")
    meta: dict[str, Any] = found if isinstance(found, dict) else {}
    namespace = _text(meta.get("namespace")) or default_namespace or "default"
    label = f"{_text(kind) or 'object'} {namespace}/{_text(meta.get('name')) or '(unnamed)'}"
    if not isinstance(kind, str) or kind not in SERVING_KINDS:
        raise InputError(
            Problem(
                f"unsupported kind {kind!r}: knstack reads Knative Serving {', '.join(SERVING_KINDS)} "
                f"({SERVING_API_VERSION})",
                file=str(source),
                obj=label,
                field="kind",
            )
        )
    if not isinstance(api_version, str) or api_version != SERVING_API_VERSION:
        raise InputError(
            Problem(
                f"unsupported apiVersion {api_version!r}: use {SERVING_API_VERSION}",
                file=str(source),
                obj=label,
                field="apiVersion",
            )
        )
    try:
        obj = SERVING_KINDS[kind].model_validate(doc)
    except ValidationError as err:
        raise InputError([_problem_from_pydantic(e, source, label) for e in err.errors()]) from None
    return obj


def _text(value: Any) -> str | None:
    """A string field read for a message; anything else (a list, a mapping) is not a name."""
    return value if isinstance(value, str) else None


def check_object(
    obj: ServingObject,
    source: Source,
    ctx: ServingContext = DEFAULT_CONTEXT,
    default_namespace: str | None = None,
) -> tuple[Problem, ...]:
    """Apply Knative's webhook rules: raise InputError naming file, object and fields for
    what Knative refuses; return the warnings (what it admits but knstack advises against)."""
    problems = validate_object(obj, ctx)
    if not problems:
        return ()
    ref = obj.ref(default_namespace)
    errors, warnings = split_levels(p.located(file=str(source), obj=ref) for p in problems)
    if errors:
        raise InputError(errors)
    return tuple(warnings)


def load_file(
    path: Path | str,
    ctx: ServingContext = DEFAULT_CONTEXT,
    default_namespace: str | None = None,
    display: str | None = None,
) -> list[LoadedObject]:
    """Load and validate every Knative object in a YAML file (`display` names it in messages)."""
    path = Path(path)
    name = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Problem("file not found", file=name)) from None
    except IsADirectoryError:
        raise InputError(Problem("is a directory, not a YAML file", file=name)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(Problem(f"cannot read file: {err}", file=name)) from None
    return load_text(text, name, ctx, default_namespace)


def load_text(
    text: str,
    file: str,
    ctx: ServingContext = DEFAULT_CONTEXT,
    default_namespace: str | None = None,
) -> list[LoadedObject]:
    loaded: list[LoadedObject] = []
    problems: list[Problem] = []
    for doc, line in read_yaml_documents(text, file):
        source = Source(file, line)
        try:
            obj = parse_serving_object(doc, source, default_namespace)
            warnings = check_object(obj, source, ctx, default_namespace)
            loaded.append(LoadedObject(obj, source, warnings))
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    return loaded


def load_files(
    paths: Iterable[Path | str],
    ctx: ServingContext = DEFAULT_CONTEXT,
    default_namespace: str | None = None,
) -> list[LoadedObject]:
    loaded: list[LoadedObject] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded += load_file(path, ctx, default_namespace)
        except InputError as err:
            problems += err.problems
        limits.check(
            "objects", len(loaded), file=str(path), what="the number of objects read so far"
        )
    if problems:
        raise InputError(problems)
    return loaded


_PYDANTIC_MESSAGES = {
    "extra_forbidden": "unknown field (Knative rejects fields it does not know; check the spelling)",
    "missing": "missing field(s)",  # Knative's apis.ErrMissingField
}
# Type errors in the API server's words for a CRD's schema (k8s.io/apiextensions-apiserver
# validation: `<field> in body must be of type string: "integer"`).
_EXPECTED_TYPES = {
    "string_type": "string",
    "int_type": "integer",
    "int_parsing": "integer",
    "int_from_float": "integer",
    "float_type": "number",
    "float_parsing": "number",
    "bool_type": "boolean",
    "bool_parsing": "boolean",
    "list_type": "array",
    "dict_type": "object",
    "model_type": "object",
    "model_attributes_type": "object",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _problem_from_pydantic(error: Any, source: Source, label: str) -> Problem:
    loc = tuple(
        part
        for part in error["loc"]
        if not (isinstance(part, str) and part.startswith("function-"))
    )
    message = _PYDANTIC_MESSAGES.get(error["type"], error["msg"])
    if error["type"] in _EXPECTED_TYPES and "input" in error:
        message = (
            f'must be of type {_EXPECTED_TYPES[error["type"]]}: "{_json_type(error["input"])}"'
        )
    if (
        error["type"] not in _PYDANTIC_MESSAGES
        and "input" in error
        and not isinstance(error["input"], dict | list)
    ):
        message = f"{message} (got {error['input']!r})"
    return Problem(message, file=str(source), obj=label, field=field_path(loc))
