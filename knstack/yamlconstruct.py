"""Composed YAML nodes to Python data, fast, with the result PyYAML's SafeConstructor gives.

PyYAML's C parser builds the node tree quickly; turning it into dicts and lists then runs
the generic constructor in Python (several calls per node, a generator per mapping), which
was most of the time spent reading a large components file or ledger. Knative YAML is
plain mappings, sequences and strings, so those are built directly here; anything else
(non-string scalars, merge keys `<<`, explicit tags, recursive anchors) goes to PyYAML's own
constructor, for that node or for the whole document. tests/core/test_yamlconstruct.py
compares both on generated documents.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from knstack import limits

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _UseSafeConstructor(Exception):
    """The document holds something only PyYAML's constructor should build."""


class ScalarTagCache:
    """A loader mixin: resolve each distinct plain scalar's tag once per stream.

    `yaml/resolver.py` runs the implicit-type regexes for every scalar; without path
    resolvers (SafeLoader has none) the tag depends only on the value and on whether it was
    quoted, so the answer can be remembered.
    """

    _scalar_tags: dict[tuple[str, tuple[bool, bool]], str]

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is not ScalarNode:
            return super().resolve(kind, value, implicit)  # type: ignore[misc, no-any-return]
        cache = self.__dict__.setdefault("_scalar_tags", {})
        key = (value, implicit)
        tag = cache.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)  # type: ignore[misc]
            cache[key] = tag
        return tag  # type: ignore[no-any-return]


def construct_document(
    loader: yaml.SafeLoader,
    node: Node,
    *,
    unique_keys: bool,
    file: str | None = None,
    text: str | None = None,
) -> Any:
    """The document's data; with `unique_keys`, a repeated mapping key is an error (as
    Kubernetes' strict decoding has it) reported like PyYAML reports its errors.

    Every YAML load in knstack comes through here, so this is where alias expansion is
    bounded (knstack/limits.py): the document is measured before anything is built from it,
    and the alias count runs over the whole stream (`file` names it in the error). `text`,
    the stream the loader reads, lets a stream without aliases skip the measuring walk.
    """
    meter = loader.__dict__.get("_expansion_meter")
    if meter is None:
        may_alias = text is None or "*" in text
        meter = loader.__dict__["_expansion_meter"] = ExpansionMeter(file, may_alias=may_alias)
    meter.document(node)
    try:
        return _Builder(loader, unique_keys).build(node)
    except _UseSafeConstructor:
        return loader.construct_document(node)
    finally:
        loader.constructed_objects = {}
        loader.recursive_objects = {}


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, unique_keys: bool) -> None:
        self.loader = loader
        self.unique_keys = unique_keys
        self.built: dict[int, Any] = {}  # anchors: one object per node, as PyYAML does
        self.active: set[int] = set()

    def build(self, node: Node) -> Any:
        if node.__class__ is ScalarNode:
            if node.tag == _STR:
                return node.value
            return self.loader.construct_object(node, deep=True)
        ident = id(node)
        if ident in self.built:
            return self.built[ident]
        if ident in self.active:
            raise _UseSafeConstructor  # a recursive anchor
        self.active.add(ident)
        if node.__class__ is MappingNode and node.tag == _MAP:
            result: Any = self._mapping(node)
        elif node.__class__ is SequenceNode and node.tag == _SEQ:
            result = [self.build(child) for child in node.value]
        else:
            raise _UseSafeConstructor
        self.active.discard(ident)
        self.built[ident] = result
        return result

    def _mapping(self, node: MappingNode) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is not ScalarNode or key_node.tag != _STR:
                raise _UseSafeConstructor  # merge keys, non-string and complex keys
            key = key_node.value
            if self.unique_keys and key in result:
                raise _duplicate(node, key_node)
            result[key] = self.build(value_node)
        return result


def _duplicate(node: MappingNode, repeated: ScalarNode) -> yaml.constructor.ConstructorError:
    first = next(
        k for k, _ in node.value if k.__class__ is ScalarNode and k.value == repeated.value
    )
    return yaml.constructor.ConstructorError(
        None,
        None,
        f"duplicate key {repeated.value!r} (first at line {first.start_mark.line + 1})",
        repeated.start_mark,
    )


class ExpansionMeter:
    """Counts alias uses and expanded scalar bytes of the YAML nodes of one file.

    Each distinct node is measured once (memoised by identity), so the count costs time
    in proportion to the file, however large its expansion would be.
    """

    def __init__(self, file: str | None, *, may_alias: bool = True) -> None:
        self.file = file
        # Every alias is written `*name` (YAML 1.1, 7.1 "Alias Nodes"): a stream without a
        # `*` shares no node, so its alias count stays 0.
        self.may_alias = may_alias
        self.aliases = 0
        self._sizes: dict[int, int] = {}

    def document(self, node: Node) -> None:
        """Measure one composed document; raise InputError when a bound is passed."""
        if not self.may_alias and alias_free_bound(node) <= limits.current().expanded_bytes:
            return  # no walk can find more than the bound: nothing to refuse
        self._sizes = {}  # anchors do not reach across documents (and ids get reused)
        size = self._size(node)
        limits.check("aliases", self.aliases, file=self.file, what="the number of YAML alias uses")
        limits.check(
            "expanded_bytes",
            size,
            file=self.file,
            what="the document's size with YAML aliases expanded (characters)",
        )

    def _size(self, root: Node) -> int:
        # Iterative post-order walk: deep nesting must not hit Python's recursion limit.
        stack: list[tuple[Node, bool]] = [(root, False)]
        while stack:
            node, children_done = stack.pop()
            ident = id(node)
            if ident in self._sizes and not children_done:
                self.aliases += 1
                continue
            if node.__class__ is ScalarNode:
                self._sizes[ident] = len(node.value) + 1
                continue
            children = _children(node)
            if not children_done:
                self._sizes[ident] = 0  # marks "being measured" (a recursive alias)
                stack.append((node, True))
                stack.extend((child, False) for child in reversed(children))
                continue
            self._sizes[ident] = 1 + sum(self._sizes[id(child)] for child in children)
        return self._sizes[id(root)]


def alias_free_bound(node: Node) -> int:
    """An upper bound on what `ExpansionMeter` measures for a document without aliases,
    from the span of text it was composed from. No scalar's value is longer than its source
    (escapes and folding only shorten it), and a node that takes no text (an empty value,
    a bare `?` or `:`) still takes a separator or indicator near it, so each character of
    the span accounts for less than 2 of the size; 4 leaves a margin
    (tests/core/test_yamlconstruct.py checks the bound on adversarial documents)."""
    return 4 * (node.end_mark.index - node.start_mark.index) + 16


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []
