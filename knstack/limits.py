"""Bounds on the work one command does, so a hostile or broken input fails fast and clearly.

A few hundred bytes of YAML can name one node a billion times through aliases ("billion
laughs"); PyYAML shares aliased nodes while loading, so the cost only shows when the data
is walked or written out, as gigabytes. knstack therefore measures each document's size
with aliases expanded before using it, and bounds input size, object count and output size.
Defaults sit far above any real Knative project; each is a flag on `knstack` for the rare
project that needs more. docs/limits.md lists them.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, fields

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from knstack.errors import InputError, Problem

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Each bound, with the flag that raises it (the field name, dashed, after `--max-`)."""

    input_bytes: int = 32 * MIB  # one input file (YAML or JSON)
    aliases: int = 10_000  # alias uses in one YAML file
    expanded_bytes: int = 64 * MIB  # one YAML document's scalars with aliases expanded
    objects: int = 20_000  # documents (objects) read in one command
    output_bytes: int = 512 * MIB  # what one render writes

    @staticmethod
    def flag(name: str) -> str:
        return "--max-" + name.replace("_", "-")


LIMIT_NAMES = tuple(f.name for f in fields(Limits))
DEFAULT_LIMITS = Limits()
_current: ContextVar[Limits | None] = ContextVar("knstack_limits", default=None)


def current() -> Limits:
    return _current.get() or DEFAULT_LIMITS


def use(limits: Limits) -> None:
    """Set the limits for the rest of this command (the CLI's root callback does this)."""
    _current.set(limits)


def exceeded(name: str, measured: int, *, file: str | None, what: str) -> InputError:
    limit = getattr(current(), name)
    return InputError(
        Problem(
            f"{what} is {measured:,}, over knstack's limit of {limit:,}; if this input is "
            f"meant to be this large, raise the limit with `knstack {Limits.flag(name)} N <command>`",
            file=file,
        )
    )


def check(name: str, measured: int, *, file: str | None, what: str) -> None:
    if measured > getattr(current(), name):
        raise exceeded(name, measured, file=file, what=what)


class ExpansionMeter:
    """Counts alias uses and expanded scalar bytes of the YAML nodes of one file.

    Each distinct node is measured once (memoised by identity), so the count costs time
    in proportion to the file, however large its expansion would be.
    """

    def __init__(self, file: str | None) -> None:
        self.file = file
        self.aliases = 0
        self._sizes: dict[int, int] = {}

    def document(self, node: Node) -> None:
        """Measure one composed document; raise InputError when a bound is passed."""
        self._sizes = {}  # anchors do not reach across documents (and ids get reused)
        size = self._size(node)
        check("aliases", self.aliases, file=self.file, what="the number of YAML alias uses")
        check(
            "expanded_bytes",
            size,
            file=self.file,
            what="the document's size with YAML aliases expanded (bytes)",
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


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []
