"""From a field path to the line that holds it in a YAML source file.

The loader records where each document starts; reports that point at the exact line of a
field (for code scanning annotations on a pull request) re-read the file's node tree.
Python components have no such tree: their findings point at the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TOKEN = re.compile(r'\.?([A-Za-z0-9_\-$]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]')
_SOURCE = re.compile(r"^(?P<file>.+?):(?P<line>\d+)$")


@dataclass(frozen=True)
class Location:
    file: str  # as knstack names it: relative to the project root, or as given on the command line
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


def parse_source(source: str) -> Location:
    """`components/orders.yaml:3` (the loader's Source) -> Location."""
    match = _SOURCE.match(source)
    if match:
        return Location(match["file"], int(match["line"]))
    return Location(source)


def path_tokens(path: str) -> list[str | int]:
    tokens: list[str | int] = []
    for match in _TOKEN.finditer(path):
        name, index, quoted = match.groups()
        if index is not None:
            tokens.append(int(index))
        elif quoted is not None:
            tokens.append(quoted.replace('\\"', '"'))
        else:
            tokens.append(name)
    return tokens


class Locator:
    """Finds field lines in YAML files under `root`, reading each file once."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root
        self._documents: dict[str, dict[int, yaml.Node]] = {}  # file -> start line -> node

    def locate(self, doc: Location, field: str | None) -> Location:
        """The line of `field` in the document starting at `doc`, or the deepest found ancestor."""
        if not field or doc.line is None or not doc.file.endswith((".yaml", ".yml")):
            return doc
        node = self._document(doc)
        if node is None:
            return doc
        line = node.start_mark.line + 1
        for token in path_tokens(field):
            child = _child(node, token)
            if child is None:
                break
            key_line, node = child
            line = key_line
        return Location(doc.file, line)

    def _document(self, doc: Location) -> yaml.Node | None:
        if doc.file not in self._documents:
            path = Path(doc.file)
            if self.root is not None and not path.is_absolute():
                path = self.root / path
            try:
                nodes = yaml.compose_all(path.read_text(encoding="utf-8"), Loader=_LOADER)
                found = {n.start_mark.line + 1: n for n in nodes if n is not None}
                self._documents[doc.file] = found
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                self._documents[doc.file] = {}
        return self._documents[doc.file].get(doc.line) if doc.line is not None else None


def _child(node: yaml.Node, token: str | int) -> tuple[int, yaml.Node] | None:
    if isinstance(token, int) and isinstance(node, yaml.SequenceNode):
        if token < len(node.value):
            item = node.value[token]
            return item.start_mark.line + 1, item
        return None
    if isinstance(token, str) and isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == token:
                return key.start_mark.line + 1, value
    return None
