"""Editing a release in a stack file without touching anything else.

A promotion changes a few keys of `config."knstack:releases".<service>`; everything else
in the file (comments, key order, quoting, indentation, blank lines) must stay byte for
byte. The file is composed with ruamel.yaml, whose nodes carry the exact position of every
key and value, and only the spans of the changed keys are rewritten: a changed scalar in
place (a comment after it stays), a removed key by its lines, a new key as a line of its
own, in the canonical order among the keys already there. The result is parsed again and
compared with the intended data before anyone writes it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from knstack.errors import InputError, Problem
from knstack.stack.release import Release
from knstack.yamlio import load_yaml

RELEASES_KEY = "knstack:releases"
FIELD_ORDER = (
    "stable",
    "candidate",
    "wave",
    "stage",
    "previous",
    "rolledBack",
    "status",
    "retained",
    "updated",
)


def release_fields(release: Release, waves: int) -> dict[str, Any]:
    """A release as the stack file spells it: canonical key order, defaults left out
    (`wave` only where the plan has several waves)."""
    fields: dict[str, Any] = {}
    if release.stable is not None:
        fields["stable"] = release.stable
    if release.candidate is not None:
        fields["candidate"] = release.candidate
        if waves > 1:
            fields["wave"] = release.wave
        fields["stage"] = release.stage
    if release.previous is not None:
        fields["previous"] = release.previous
    if release.rolled_back:
        fields["rolledBack"] = list(release.rolled_back)
    if release.status != "stable":
        fields["status"] = release.status
    if release.retained:
        fields["retained"] = [
            {
                "revision": r.revision,
                "releases": r.releases,
                **({"clusters": list(r.clusters)} if r.clusters else {}),
            }
            for r in release.retained
        ]
    if release.updated is not None:
        fields["updated"] = release.updated
    return fields


@dataclass(frozen=True)
class _Edit:
    start: int  # character offsets into the text
    end: int
    text: str
    order: int = 0  # among insertions at one offset


class _Text:
    def __init__(self, text: str) -> None:
        self.text = text
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.starts.append(index + 1)

    def line_start(self, line: int) -> int:
        return self.starts[line] if line < len(self.starts) else len(self.text)

    def after_line(self, line: int) -> int:
        """Offset of the line after `line` (the end of the text for the last line)."""
        return self.line_start(line + 1)

    def lines(self, indent: int, body: list[str]) -> str:
        return "".join(" " * indent + line + self.newline for line in body)


def set_release(text: str, service: str, fields: dict[str, Any], *, file: str) -> str:
    """The stack file text with `config."knstack:releases".<service>` set to `fields`."""
    try:
        data = load_yaml(text, file)
        root = YAML().compose(text)
    except (yaml.YAMLError, YAMLError) as err:
        raise InputError(Problem(f"invalid YAML: {err}", file=file)) from None
    if not isinstance(root, MappingNode) or not isinstance(data, dict):
        raise InputError(Problem("must be a YAML mapping", file=file))
    doc = _Text(text)
    edits = _edits(doc, root, service, fields)
    result = _apply(text, edits)
    expected = copy.deepcopy(data)
    config = expected.setdefault("config", {})
    releases = config.get(RELEASES_KEY)
    if not isinstance(releases, dict):
        releases = config[RELEASES_KEY] = {}
    releases[service] = dict(fields)
    if load_yaml(result) != expected:
        raise RuntimeError(
            f"editing {file} would change more than {RELEASES_KEY}.{service}; nothing was written"
        )
    return result


def _config_mapping(root: MappingNode) -> MappingNode:
    config = _value(root, "config")
    if (
        config is None
        or not isinstance(config[1], MappingNode)
        or config[1].flow_style
        or not config[1].value
    ):
        raise InputError(
            Problem("needs a block mapping `config:` to hold knstack:releases", field="config")
        )
    return config[1]


def _edits(doc: _Text, root: MappingNode, service: str, fields: dict[str, Any]) -> list[_Edit]:
    """Where `knstack:releases` is missing, null, inline or a block: the edits that set
    one service's entry in it."""
    config_map = _config_mapping(root)
    indent = _indent(config_map)
    step = max(2, indent - root.value[0][0].start_mark.column) if root.value else 2
    entry = _value(config_map, RELEASES_KEY)
    block = [f"{service}:", *[" " * step + line for line in _field_lines(fields)]]
    if entry is None:  # add knstack:releases at the end of config
        at = doc.after_line(_entry_last_line(*config_map.value[-1]))
        return [
            _Edit(
                at,
                at,
                _prefix_newline(doc, at)
                + doc.lines(indent, [f"{RELEASES_KEY}:", *[" " * step + b for b in block]]),
            )
        ]
    key, releases = entry
    if _is_null(releases):
        start, end = (
            doc.line_start(key.start_mark.line),
            doc.after_line(_entry_last_line(key, releases)),
        )
        return [
            _Edit(
                start,
                end,
                doc.lines(indent, [f"{_key_text(doc, key)}:", *[" " * step + b for b in block]]),
            )
        ]
    if not isinstance(releases, MappingNode):
        raise InputError(
            Problem(
                "must be a mapping of services to release state", field=f'config."{RELEASES_KEY}"'
            )
        )
    if releases.flow_style:
        current = load_yaml(doc.text[releases.start_mark.index : releases.end_mark.index]) or {}
        current[service] = fields
        return [_Edit(releases.start_mark.index, releases.end_mark.index, _inline(current))]
    return _service_edits(doc, releases, service, fields, step)


def _service_edits(
    doc: _Text, releases: MappingNode, service: str, fields: dict[str, Any], step: int
) -> list[_Edit]:
    """The edits of one service's entry in a block `knstack:releases`."""
    block = [f"{service}:", *[" " * step + line for line in _field_lines(fields)]]
    found = _value(releases, service)
    if found is None:  # a new service at the end of knstack:releases
        at = doc.after_line(_entry_last_line(*releases.value[-1]))
        return [_Edit(at, at, _prefix_newline(doc, at) + doc.lines(_indent(releases), block))]
    service_key, mapping = found
    if _is_null(mapping) or not isinstance(mapping, MappingNode):
        start, end = (
            doc.line_start(service_key.start_mark.line),
            doc.after_line(_entry_last_line(service_key, mapping)),
        )
        return [
            _Edit(
                start,
                end,
                doc.lines(
                    _indent(releases),
                    [
                        f"{_key_text(doc, service_key)}:",
                        *[" " * step + line for line in _field_lines(fields)],
                    ],
                ),
            )
        ]
    if mapping.flow_style:
        return [_Edit(mapping.start_mark.index, mapping.end_mark.index, _inline(fields))]
    return _field_edits(doc, mapping, fields)


def _field_edits(doc: _Text, mapping: MappingNode, fields: dict[str, Any]) -> list[_Edit]:
    """Per key: rewrite a changed value in place, drop a removed key's lines, add new keys."""
    edits: list[_Edit] = []
    indent = _indent(mapping)
    current = {k.value: (k, v) for k, v in mapping.value}
    for name, (key, value) in current.items():
        if name not in fields:
            edits.append(
                _Edit(
                    doc.line_start(key.start_mark.line),
                    doc.after_line(_entry_last_line(key, value)),
                    "",
                )
            )
        elif _node_data(doc, value) != fields[name]:
            edits.append(_replace_value(doc, key, value, fields[name], indent))
    rank = {name: i for i, name in enumerate(FIELD_ORDER)}
    kept = [(k, v) for k, v in mapping.value if k.value in fields]
    for order, name in enumerate(n for n in fields if n not in current):
        later = [k for k, _ in kept if rank.get(k.value, len(rank)) > rank.get(name, len(rank))]
        if later:
            at = doc.line_start(later[0].start_mark.line)
        else:
            at = doc.after_line(_entry_last_line(*mapping.value[-1]))
        edits.append(
            _Edit(
                at,
                at,
                _prefix_newline(doc, at) + doc.lines(indent, [f"{name}: {_inline(fields[name])}"]),
                order,
            )
        )
    return edits


def _replace_value(doc: _Text, key: ScalarNode, value: Node, new: Any, indent: int) -> _Edit:
    single_line = value.start_mark.line == value.end_mark.line and not _is_null(value)
    if single_line and (isinstance(value, ScalarNode) or getattr(value, "flow_style", False)):
        return _Edit(value.start_mark.index, value.end_mark.index, _inline(new))
    start, end = doc.line_start(key.start_mark.line), doc.after_line(_entry_last_line(key, value))
    if isinstance(value, SequenceNode) and isinstance(new, list) and new:
        dash = value.start_mark.column  # keep the block list's own indentation
        body = doc.lines(indent, [f"{_key_text(doc, key)}:"]) + "".join(
            " " * dash + f"- {_inline(item)}{doc.newline}" for item in new
        )
        return _Edit(start, end, body)
    return _Edit(start, end, doc.lines(indent, [f"{_key_text(doc, key)}: {_inline(new)}"]))


def _field_lines(fields: dict[str, Any]) -> list[str]:
    return [f"{name}: {_inline(value)}" for name, value in fields.items()]


def _inline(value: Any) -> str:
    """One-line YAML for a value: quoted where plain text would read as something else
    (a timestamp, a number, `null`), lists and mappings in flow style."""
    text = yaml.safe_dump(
        value, default_flow_style=True, width=1_000_000, sort_keys=False, allow_unicode=True
    )
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _apply(text: str, edits: list[_Edit]) -> str:
    ordered = sorted(edits, key=lambda e: (e.start, e.end, e.order))
    out, position = [], 0
    for edit in ordered:
        if edit.start < position:
            raise RuntimeError("overlapping stack file edits")
        out.append(text[position : edit.start])
        out.append(edit.text)
        position = edit.end
    out.append(text[position:])
    return "".join(out)


def _value(mapping: MappingNode, name: str) -> tuple[ScalarNode, Node] | None:
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return key, value
    return None


def _indent(mapping: MappingNode) -> int:
    return int(mapping.value[0][0].start_mark.column)


def _key_text(doc: _Text, key: ScalarNode) -> str:
    return doc.text[key.start_mark.index : key.end_mark.index]


def _is_null(node: Node) -> bool:
    return (
        isinstance(node, ScalarNode)
        and node.style is None
        and node.value in ("", "~", "null", "Null", "NULL")
    )


def _node_data(doc: _Text, node: Node) -> Any:
    if _is_null(node):
        return None
    one_line = node.start_mark.line == node.end_mark.line
    if getattr(node, "flow_style", None) or (isinstance(node, ScalarNode) and one_line):
        return load_yaml(doc.text[node.start_mark.index : node.end_mark.index])
    return _UNKNOWN


_UNKNOWN = object()  # a value spread over lines: rewritten whenever it is set


def _last_line(node: Node) -> int:
    """The last line holding part of the node (block collections end at their last item)."""
    if isinstance(node, ScalarNode):
        end = node.end_mark
        return int(
            end.line - 1 if end.column == 0 and end.line > node.start_mark.line else end.line
        )
    if getattr(node, "flow_style", False) or not node.value:
        return int(node.end_mark.line)
    last = node.value[-1]
    return _last_line(last[1] if isinstance(node, MappingNode) else last)


def _entry_last_line(key: Node, value: Node) -> int:
    if _is_null(value):
        return int(key.end_mark.line)
    return max(int(key.end_mark.line), _last_line(value))


def _prefix_newline(doc: _Text, at: int) -> str:
    """A line break first when inserting after a last line that has none."""
    return doc.newline if at == len(doc.text) and doc.text and not doc.text.endswith("\n") else ""
