"""knstack's fast YAML constructor gives the data PyYAML's SafeLoader gives, errors included."""

from __future__ import annotations

import contextvars
import datetime
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from knstack import limits
from knstack.api import loader as loader_module
from knstack.api.loader import read_yaml_documents
from knstack.errors import InputError
from knstack.yamlconstruct import ExpansionMeter, alias_free_bound
from knstack.yamlio import load_yaml

_scalars = (
    st.text(max_size=8)
    | st.sampled_from(["yes", "off", "~", "1_000", "0o17", "0x1f", "1.5e+3", ".nan", "<<", "="])
    | st.sampled_from(["2026-12-03", "2026-12-03 10:00:00", "12:30:45", "!x", "-1", "null"])
    | st.integers()
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=False)
    | st.dates()
)
_data = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=5) | st.integers(), inner, max_size=4),
    max_leaves=30,
)


def _pyyaml_load(text: str) -> Any:
    """What `load_yaml` gave before it had a fast path: PyYAML's C loader."""
    return yaml.load(text, Loader=yaml.CSafeLoader)


def _same(a: Any, b: Any) -> bool:
    return repr(a) == repr(b)  # types too: True is not 1, a date is not its string


def _outcome(load: Any) -> str:
    """What a load gives, or the error it raises (type and message)."""
    try:
        return repr(load())
    except (yaml.YAMLError, InputError) as err:
        return f"{type(err).__name__}: {err}"


def _pyyaml_constructor(
    loader: Any, node: Any, *, unique_keys: bool, file: str | None = None, text: str | None = None
) -> Any:
    return loader.construct_document(node)  # PyYAML's own (with the strict duplicate check)


def _components(text: str, monkeypatch: pytest.MonkeyPatch | None = None) -> str:
    """read_yaml_documents' outcome; with `monkeypatch`, built by PyYAML's constructor."""
    if monkeypatch is None:
        return _outcome(lambda: read_yaml_documents(text, "f.yaml"))
    with monkeypatch.context() as patch:
        patch.setattr(loader_module, "construct_document", _pyyaml_constructor)
        return _outcome(lambda: read_yaml_documents(text, "f.yaml"))


@settings(max_examples=300, deadline=None)
@given(_data, st.sampled_from([None, True, False]))
def test_generated_documents_load_as_pyyaml_loads_them(data: Any, flow: bool | None) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    assert _same(load_yaml(text), _pyyaml_load(text))
    with pytest.MonkeyPatch.context() as patch:
        assert _components(text) == _components(text, patch)


DOCUMENTS = {
    "anchors and aliases": "a: &x {b: [1, 2]}\nc: *x\nd: &s str\ne: *s\n",
    "merge key": "base: &b {x: 1, y: 2}\nchild:\n  <<: *b\n  y: 3\n",
    "explicit tags": "a: !!str 12\nb: !!int '7'\nc: !!binary aGVsbG8=\nd: !!set {x, y}\n",
    "complex key": "? [a, b]\n: 1\n",
    "int keys": "1: one\n2: two\n",
    "timestamps": "t: 2026-12-03T10:00:00Z\nd: 2026-12-03\n",
    "ordered map": "o: !!omap [a: 1, b: 2]\n",
}


@pytest.mark.parametrize("text", DOCUMENTS.values(), ids=DOCUMENTS.keys())
def test_what_the_fast_path_leaves_to_pyyaml_still_loads_the_same(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _outcome(lambda: load_yaml(text)) == _outcome(lambda: _pyyaml_load(text))
    assert _components(text) == _components(text, monkeypatch)


def test_aliases_share_one_object_as_in_pyyaml() -> None:
    data = load_yaml("a: &x {b: 1}\nc: *x\n")
    assert data["a"] is data["c"]
    assert isinstance(load_yaml("d: 2026-12-03\n")["d"], datetime.date)


def test_a_recursive_anchor_loads_as_pyyaml_loads_it() -> None:
    data = load_yaml("a: &x\n  self: *x\n")
    assert data["a"]["self"] is data["a"]


@pytest.mark.parametrize(
    "text, line",
    [
        ("a: 1\nb: 2\na: 3\n", 3),
        ("x:\n  spec:\n    image: a\n    image: b\n", 4),
        ("m: {k: 1, k: 2}\n", 1),
    ],
)
def test_a_repeated_key_is_an_error_naming_both_lines(text: str, line: int) -> None:
    with pytest.raises(InputError) as raised:
        read_yaml_documents(text, "svc.yaml")
    message = str(raised.value.problems[0])
    assert message.startswith(f"svc.yaml:{line}: invalid YAML: duplicate key")
    assert "(first at line" in message


def test_a_list_as_a_key_is_bad_input_not_a_crash() -> None:
    with pytest.raises(InputError, match="found unhashable key"):
        read_yaml_documents("metadata:\n  ? [x]\n  : 1\n", "svc.yaml")


# Alias-free documents whose nodes take the least text each: empty values, bare `?`,
# implicit null values in flow mappings, empty collections, a top-level scalar.
TERSE_DOCUMENTS = [
    "{" + ",".join(["?"] * 50) + "}",
    "{" + ",".join("abcdefghijklmnopqrstuvwxyz") + "}",
    "-\n" * 50,
    "[" + ",".join(["[]"] * 50) + "]",
    "[" + ",".join(["? : "] * 30) + "]",
    "? \n: \n" * 3,
    "a:\n",
    "?",
    "-",
    "x",
    "- - - - - - - -\n",
    "|+\n\n\n\n",
]


def _measured(text: str) -> tuple[int, int]:
    """(what the meter's walk measures, the bound that lets it skip the walk)."""
    loader = yaml.CSafeLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    return ExpansionMeter(None)._size(node), alias_free_bound(node)


@pytest.mark.parametrize("text", TERSE_DOCUMENTS)
def test_the_alias_free_bound_holds_for_terse_documents(text: str) -> None:
    size, bound = _measured(text)
    assert size <= bound


@settings(max_examples=300, deadline=None)
@given(_data, st.sampled_from([None, True, False]))
def test_the_alias_free_bound_holds_for_generated_documents(data: Any, flow: bool | None) -> None:
    text = yaml.safe_dump(data, default_flow_style=flow, allow_unicode=True)
    if "*" not in text:
        size, bound = _measured(text)
        assert size <= bound


def test_an_alias_free_document_past_a_small_expansion_limit_is_still_refused() -> None:
    text = "a: " + "x" * 200 + "\n"
    context = contextvars.copy_context()  # limits.use sets a context variable
    context.run(limits.use, limits.Limits(expanded_bytes=100))
    with pytest.raises(InputError) as raised:
        context.run(load_yaml, text, "big.yaml")
    assert "the document's size with YAML aliases expanded" in str(raised.value)
    assert load_yaml(text, "big.yaml") == {"a": "x" * 200}  # under the default limit
