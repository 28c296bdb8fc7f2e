"""`knstack render -f` to stdout: the same stream to a file as to a pipe, written as it is
made when stdout is a file, and never half-written past the output limit."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from knstack.build import build_files
from knstack.render import stdout as render_stdout
from knstack.synthetic import knative_history_documents
from knstack.yamlio import dump_yaml_stream

KNSTACK = [sys.executable, "-m", "knstack"]


@pytest.fixture
def services(tmp_path: Path) -> Path:
    source = tmp_path / "services.yaml"
    source.write_text(dump_yaml_stream(knative_history_documents(5)))
    return source


def _render_to_file(args: list[str], target: Path, mode: str) -> subprocess.CompletedProcess[str]:
    with target.open(mode) as sink:
        return subprocess.run(args, stdout=sink, stderr=subprocess.PIPE, text=True, check=False)


def test_a_file_on_stdout_gets_the_same_bytes_as_a_pipe(services: Path, tmp_path: Path) -> None:
    args = [*KNSTACK, "render", "-f", str(services)]
    piped = subprocess.run(args, capture_output=True, check=True).stdout
    target = tmp_path / "out.yaml"
    assert _render_to_file(args, target, "w").returncode == 0
    assert target.read_bytes() == piped
    assert piped.count(b"\n---\n") + 1 == 40  # 5 services, 8 objects each


def test_past_the_limit_a_file_on_stdout_is_cut_back_to_what_it_held(
    services: Path, tmp_path: Path
) -> None:
    full = subprocess.run([*KNSTACK, "render", "-f", str(services)], capture_output=True).stdout
    limit = len(full) // 2  # passed half-way: documents were written before it was found
    args = [*KNSTACK, "--max-output-bytes", str(limit), "render", "-f", str(services)]
    target = tmp_path / "out.yaml"
    target.write_text("kept: true\n")
    done = _render_to_file(args, target, "a")
    assert done.returncode == 2, done.stderr
    assert "the rendered output (characters)" in done.stderr and "--max-output-bytes" in done.stderr
    assert target.read_text() == "kept: true\n"
    piped = subprocess.run(args, capture_output=True, text=True)
    assert (piped.returncode, piped.stdout) == (2, "")


def test_a_file_is_written_document_by_document(
    services: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = build_files([services])

    def held(*_: Any) -> list[str]:
        raise AssertionError("a regular file must not wait for the whole stream")

    monkeypatch.setattr(render_stdout, "stream_parts", held)
    target = tmp_path / "out.yaml"
    with target.open("w") as sink:
        render_stdout.write_stream(build, "yaml", sink)
    assert target.read_text().count("\n---\n") + 1 == 40


def test_an_interrupted_render_leaves_the_file_as_it_was(
    services: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build = build_files([services])
    real = render_stdout.iter_stream_parts

    def interrupted(*args: Any) -> Iterator[str]:
        for index, part in enumerate(real(*args)):
            if index == 3:
                raise KeyboardInterrupt
            yield part

    monkeypatch.setattr(render_stdout, "iter_stream_parts", interrupted)
    target = tmp_path / "out.yaml"
    target.write_text("before\n")
    with target.open("a") as sink, pytest.raises(KeyboardInterrupt):
        render_stdout.write_stream(build, "yaml", sink)
    assert target.read_text() == "before\n"
