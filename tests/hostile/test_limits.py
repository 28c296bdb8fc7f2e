"""Bounds on hostile input (knstack/limits.py): each exits 2 naming the file, writes nothing,
and gives way to its `knstack --max-...` flag. Tried as a new user would."""

from __future__ import annotations

from pathlib import Path

import pytest

from knstack.cli import main
from tests.hostile.test_reproducers import service


def aliased_service(anchor_value: str, uses: int) -> str:
    """A valid Service whose annotations repeat one anchored string `uses` times."""
    lines = [f"    a0: &big {anchor_value}"]
    lines += [f"    a{i}: *big" for i in range(1, uses + 1)]
    head, _, tail = service().partition("metadata:\n  name: shop\n")
    return f"{head}metadata:\n  name: shop\n  annotations:\n" + "\n".join(lines) + "\n" + tail


def render(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(args)
    return code, capsys.readouterr().err


def test_a_one_megabyte_alias_repeated_1500_times_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "bomb.yaml"
    source.write_text(aliased_service("x" * 1_000_000, 1500))
    out = tmp_path / "out"
    code, err = render(["render", "-f", str(source), "--out", str(out)], capsys)
    assert code == 2, err
    assert f"{source}: the document's size with YAML aliases expanded" in err
    assert "--max-expanded-bytes" in err and "Traceback" not in err
    assert not out.exists()


def test_nested_aliases_billion_laughs_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 10)]
    source = tmp_path / "laughs.yaml"
    source.write_text("\n".join(levels) + "\n")
    code, err = render(["render", "-f", str(source)], capsys)
    assert code == 2, err
    assert f"{source}: the document's size with YAML aliases expanded" in err


def test_alias_count_limit_and_its_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "service.yaml"
    source.write_text(aliased_service("small", 6))
    code, err = render(["--max-aliases", "5", "render", "-f", str(source)], capsys)
    assert code == 2, err
    assert f"{source}: the number of YAML alias uses is 6, over knstack's limit of 5" in err
    code, err = render(["--max-aliases", "6", "render", "-f", str(source)], capsys)
    assert code == 0, err


def test_input_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "service.yaml"
    source.write_text(service())
    code, err = render(["--max-input-bytes", "100", "render", "-f", str(source)], capsys)
    assert code == 2, err
    assert f"{source}: the file's size (characters) is" in err and "--max-input-bytes" in err


def test_object_count_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "services.yaml"
    source.write_text(service() + "---\n" + service().replace("name: shop", "name: cart"))
    code, err = render(["--max-objects", "1", "render", "-f", str(source)], capsys)
    assert code == 2, err
    assert f"{source}: the number of objects (documents) is 2" in err
    assert render(["--max-objects", "2", "render", "-f", str(source)], capsys)[0] == 0


def test_output_size_limit_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "service.yaml"
    source.write_text(service())
    out = tmp_path / "out"
    args = ["--max-output-bytes", "1000", "render", "-f", str(source)]
    code, err = render([*args, "--out", str(out)], capsys)
    assert code == 2, err
    assert "the rendered output of environment" in err and "--max-output-bytes" in err
    assert not out.exists()
    code, err = render(args, capsys)  # to stdout
    assert code == 2 and "the rendered output (characters)" in err, err


def test_an_alias_bomb_in_a_stack_file_names_the_file(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = example_project / "stacks" / "Pulumi.test.yaml"
    bomb = 'bomb: &b "' + "x" * 1000 + '"\nmore: [' + ", ".join(["*b"] * 100) + "]\n"
    stack.write_text(stack.read_text() + bomb)
    code, err = render(
        ["--max-expanded-bytes", "50000", "render", "--stack", "test", "-C", str(example_project)],
        capsys,
    )
    assert code == 2, err
    assert f"{stack}: the document's size with YAML aliases expanded" in err
