"""Deterministic YAML and JSON output: same data, same bytes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import yaml

from knstack import limits
from knstack.yamlconstruct import ScalarTagCache, construct_document
from knstack.yamlemit import BlockWriter

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_BaseDumper):  # type: ignore[misc, valid-type]
    """No anchors/aliases: Kubernetes tooling expects every object spelled out."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class _FastLoader(ScalarTagCache, _Loader):  # type: ignore[misc, valid-type]
    """The C loader, remembering each plain scalar's tag (knstack/yamlconstruct.py)."""


def load_yaml(text: str, file: str | None = None) -> Any:
    """Parse one YAML document with the C parser and knstack's fast constructor (`file`
    names it when a limit of knstack/limits.py is passed)."""
    limits.check("input_bytes", len(text), file=file, what="the file's size (characters)")
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return construct_document(loader, node, unique_keys=False, file=file, text=text)
    finally:
        loader.dispose()


def load_yaml_all(
    text: str, file: str | None = None, loader_class: type[yaml.SafeLoader] | None = None
) -> list[Any]:
    """Every document of a YAML stream (None for an empty one), as `load_yaml` reads one."""
    limits.check("input_bytes", len(text), file=file, what="the file's size (characters)")
    loader = (loader_class or _FastLoader)(text)
    documents: list[Any] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            assert node is not None  # check_node() said a document follows
            documents.append(
                construct_document(loader, node, unique_keys=False, file=file, text=text)
            )
            limits.check(
                "objects", len(documents), file=file, what="the number of objects (documents)"
            )
    finally:
        loader.dispose()
    return documents


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    """Multi-line strings (ConfigMap files, `_example` blocks) as readable literal blocks."""
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _represent_str)


def pyyaml_dump(data: Any) -> str:
    """Block-style YAML in the dict's own key order, by PyYAML (the reference output)."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=4096,
    )


_writer = BlockWriter(pyyaml_dump)


def dump_yaml(data: Any) -> str:
    """Block-style YAML in the dict's own key order (builders fix the order).

    Same bytes as `pyyaml_dump`, written directly for plain manifest data.
    """
    return _writer.document(data)


def dump_yaml_stream(documents: Iterable[Any]) -> str:
    return "".join(map(yaml_stream_part, documents))


def yaml_stream_part(document: Any) -> str:
    """One document of a YAML stream, with its `---` separator."""
    return f"---\n{dump_yaml(document)}"


def dump_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
