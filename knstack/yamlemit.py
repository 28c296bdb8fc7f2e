"""A block-style YAML writer for manifest data, byte-identical to PyYAML's output.

Rendering spends most of its time in PyYAML's pure-Python representer (one node object per
value). Manifests are plain trees of dicts, lists, strings, ints, bools and None, so they can
be written straight to text. This writer reproduces what `yaml.dump(data, default_flow_style=
False, sort_keys=False, allow_unicode=True, width=4096)` prints with knstack's dumper
(`knstack/yamlio.py`), and hands anything it does not know exactly to that dumper:
- a scalar's style (plain, 'single' or "double" quoted) is PyYAML's own choice, asked once per
  distinct string that is not obviously plain and remembered;
- a document holding a multi-line or very long string, a float, a non-string key or any other
  type is dumped by PyYAML whole.
The rules mirror `yaml/emitter.py` (`analyze_scalar`, `choose_scalar_style`, indentless
sequences in block mappings) and `yaml/resolver.py` (which plain words mean bool, null, int
or float). tests/core/test_yamlemit.py compares both writers on generated data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# Strings PyYAML writes plain in block context: a letter first (no indicator, no number,
# no timestamp), then characters that never need quoting in block context (`:` is
# only special before a space or at the end, `#` only after a space), and not a YAML 1.1
# bool or null word.
_PLAIN = re.compile(r"[A-Za-z](?:[A-Za-z0-9._/:=@+-]*[A-Za-z0-9._/=@+-])?")
_RESOLVED_WORDS = frozenset(
    spelling
    for word in ("yes", "no", "true", "false", "on", "off", "null")
    for spelling in (word, word.capitalize(), word.upper())
)
# Longer strings could be folded at the line width, and simple keys are limited to 128
# characters (`yaml/emitter.py` check_simple_key): leave both to PyYAML.
_MAX_FAST_LENGTH = 120


class _NotFast(Exception):
    """The document holds something this writer leaves to PyYAML."""


class BlockWriter:
    """Writes documents like `dump`; `dump` is the PyYAML-backed function it falls back to."""

    def __init__(self, dump: Callable[[Any], str]) -> None:
        self._dump = dump
        self._values: dict[str, str] = {}
        self._keys: dict[str, str] = {}

    def document(self, data: Any) -> str:
        """One document's text, ending in a newline, exactly as `dump(data)` would give it."""
        if not isinstance(data, (dict, list)) or not data:
            return self._dump(data)
        out: list[str] = []
        try:
            if isinstance(data, dict):
                self._mapping(data, 0, "", out)
            else:
                self._sequence(data, 0, "", out)
        except _NotFast:
            return self._dump(data)
        return "".join(out)

    def _scalar(self, value: Any) -> str:
        if isinstance(value, str):
            cached = self._values.get(value)
            if cached is None:
                cached = self._string(value, key=False)
                self._values[value] = cached
            return cached
        if value is True:
            return "true"
        if value is False:
            return "false"
        if value is None:
            return "null"
        if type(value) is int:
            return str(value)
        raise _NotFast

    def _key(self, key: Any) -> str:
        if not isinstance(key, str):
            raise _NotFast
        cached = self._keys.get(key)
        if cached is None:
            cached = self._string(key, key=True)
            self._keys[key] = cached
        return cached

    def _string(self, text: str, *, key: bool) -> str:
        if len(text) > _MAX_FAST_LENGTH or "\n" in text or "\r" in text:
            raise _NotFast
        if _PLAIN.fullmatch(text) and text not in _RESOLVED_WORDS:
            return text
        # PyYAML decides: the key or the sequence item, in block context, on one line.
        written = self._dump({text: None}) if key else self._dump([text])
        prefix, suffix = ("", ": null\n") if key else ("- ", "\n")
        if not written.startswith(prefix) or not written.endswith(suffix):
            raise _NotFast
        scalar = written[len(prefix) : len(written) - len(suffix)]
        if "\n" in scalar or scalar.startswith("? "):
            raise _NotFast
        return scalar

    def _mapping(self, data: dict[Any, Any], indent: int, lead: str, out: list[str]) -> None:
        """A block mapping at `indent`; `lead` starts its first line ("- " inside a list)."""
        pad = " " * indent
        keys = self._keys
        for key, value in data.items():
            name = keys.get(key) or self._key(key)
            kind = type(value)
            if kind is str:
                out.append(f"{lead}{name}: {self._values.get(value) or self._scalar(value)}\n")
            elif kind is dict:
                if value:
                    out.append(f"{lead}{name}:\n")
                    inner = indent + 2
                    self._mapping(value, inner, " " * inner, out)
                else:
                    out.append(f"{lead}{name}: {{}}\n")
            elif kind is list:
                if value:
                    # Block sequences inside a mapping are not indented (PyYAML's default).
                    out.append(f"{lead}{name}:\n")
                    self._sequence(value, indent, pad, out)
                else:
                    out.append(f"{lead}{name}: []\n")
            else:
                out.append(f"{lead}{name}: {self._scalar(value)}\n")
            lead = pad

    def _sequence(self, data: list[Any], indent: int, lead: str, out: list[str]) -> None:
        """A block sequence at `indent`; `lead` starts its first line."""
        pad = " " * indent
        for item in data:
            kind = type(item)
            if kind is str:
                out.append(f"{lead}- {self._values.get(item) or self._scalar(item)}\n")
            elif kind is dict:
                if item:
                    self._mapping(item, indent + 2, lead + "- ", out)
                else:
                    out.append(f"{lead}- {{}}\n")
            elif kind is list:
                if item:
                    self._sequence(item, indent + 2, lead + "- ", out)
                else:
                    out.append(f"{lead}- []\n")
            else:
                out.append(f"{lead}- {self._scalar(item)}\n")
            lead = pad
