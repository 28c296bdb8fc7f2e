"""Stack file edits keep everything outside the changed keys byte for byte: comments
(whole-line and after values), key order, quoting, indentation, flow style, blank lines."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from knstack.errors import InputError
from knstack.promote.stackedit import set_release
from knstack.yamlio import load_yaml

STACK = """\
# Environment "prod"   (a comment before everything)
config:   # Pulumi's config block
  knstack:namespace: "coffee-shop"     # quoted on purpose

  knstack:canary:
    stages: [5, 25, 50, 100]
  knstack:releases:
    # the coffee release, moved by knstack promote
    coffee:
      stable: coffee-00001   # what most users get
      candidate: coffee-00002
      stage: 1  # 5%
      rolledBack:
          - coffee-00000
    tea: {stable: tea-00001}
  # policy, indented its own way
  knstack:policy:
      allowedRegistries:
      - 'registry.example.com'
"""


def changed_lines(old: str, new: str) -> tuple[list[str], list[str]]:
    """(removed, added) lines: everything else is untouched."""
    removed, added = [], []
    for line in difflib.ndiff(old.splitlines(True), new.splitlines(True)):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return removed, added


def test_a_changed_value_is_rewritten_in_place_keeping_its_comment() -> None:
    fields = {
        "stable": "coffee-00001",
        "candidate": "coffee-00002",
        "stage": 2,
        "rolledBack": ["coffee-00000"],
    }
    new = set_release(STACK, "coffee", fields, file="Pulumi.prod.yaml")
    assert changed_lines(STACK, new) == (["      stage: 1  # 5%\n"], ["      stage: 2  # 5%\n"])
    # Setting it back restores the original bytes.
    assert set_release(new, "coffee", {**fields, "stage": 1}, file="Pulumi.prod.yaml") == STACK


def test_removed_and_new_keys_touch_only_their_own_lines() -> None:
    fields = {
        "stable": "coffee-00002",
        "previous": "coffee-00001",
        "rolledBack": ["coffee-00000", "coffee-00003"],
        "updated": "2025-06-01T12:00:00Z",
    }
    new = set_release(STACK, "coffee", fields, file="Pulumi.prod.yaml")
    removed, added = changed_lines(STACK, new)
    assert removed == [
        "      stable: coffee-00001   # what most users get\n",
        "      candidate: coffee-00002\n",
        "      stage: 1  # 5%\n",
    ]
    assert (
        added
        == [
            "      stable: coffee-00002   # what most users get\n",
            "      previous: coffee-00001\n",  # canonical place: after stable, before rolledBack
            "          - coffee-00003\n",  # the block list keeps its own indentation
            "      updated: '2025-06-01T12:00:00Z'\n",  # quoted: a plain timestamp would not read back as text
        ]
    )
    assert "      rolledBack:\n          - coffee-00000\n          - coffee-00003\n" in new
    assert load_yaml(new)["config"]["knstack:releases"]["coffee"] == fields


def test_a_flow_mapping_stays_a_flow_mapping() -> None:
    new = set_release(
        STACK, "tea", {"stable": "tea-00001", "candidate": "tea-00002", "stage": 1}, file="f"
    )
    assert changed_lines(STACK, new) == (
        ["    tea: {stable: tea-00001}\n"],
        ["    tea: {stable: tea-00001, candidate: tea-00002, stage: 1}\n"],
    )


def test_a_new_service_and_a_new_releases_block_are_added_as_lines() -> None:
    new = set_release(
        STACK,
        "orders",
        {"stable": "orders-00001", "candidate": "orders-00002", "stage": 1},
        file="f",
    )
    assert changed_lines(STACK, new) == (
        [],
        [
            "    orders:\n",
            "      stable: orders-00001\n",
            "      candidate: orders-00002\n",
            "      stage: 1\n",
        ],
    )
    assert new.index("    orders:") > new.index("    tea:") and new.index(
        "    orders:"
    ) < new.index("  # policy")
    without = STACK.replace(
        STACK[STACK.index("  knstack:releases:") : STACK.index("  # policy")], ""
    )
    added = set_release(without, "coffee", {"stable": "coffee-00001"}, file="f")
    assert added == without + "  knstack:releases:\n    coffee:\n      stable: coffee-00001\n"


def test_crlf_files_keep_their_line_endings() -> None:
    crlf = STACK.replace("\n", "\r\n")
    new = set_release(crlf, "orders", {"stable": "orders-00001"}, file="f")
    assert "\n" not in new.replace("\r\n", "")
    assert new.startswith(crlf[: crlf.index("  # policy")])


def test_the_example_stack_files_change_only_in_the_release(repo_root: Path) -> None:
    for env in ("test", "staging", "prod"):
        text = (repo_root / "stacks" / f"Pulumi.{env}.yaml").read_text()
        new = set_release(
            text, "coffee", {"stable": "coffee-00002", "previous": "coffee-00001"}, file=env
        )
        removed, added = changed_lines(text, new)
        assert all(
            line.startswith(("    coffee:", "      ", "  knstack:releases:"))
            for line in removed + added
        ), (env, removed, added)
        before, after = load_yaml(text)["config"], load_yaml(new)["config"]
        assert {k: v for k, v in before.items() if k != "knstack:releases"} == {
            k: v for k, v in after.items() if k != "knstack:releases"
        }


def test_a_stack_file_without_a_config_block_is_refused() -> None:
    with pytest.raises(InputError, match="config"):
        set_release(
            "encryptionsalt: abc\n", "coffee", {"stable": "coffee-00001"}, file="Pulumi.prod.yaml"
        )
