"""The console entry point ends a render without freeing its build (knstack/cli/app.py
`keep_until_exit`): what it printed or wrote must still be complete, and its exit code kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from knstack.build import build_files
from knstack.render import stream
from knstack.synthetic import knative_history_documents
from knstack.yamlio import dump_yaml_stream


def _knstack(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "knstack", *args], capture_output=True, text=True, check=False
    )


def test_a_rendered_stream_is_whole_when_the_process_ends_early(tmp_path: Path) -> None:
    source = tmp_path / "services.yaml"
    source.write_text(dump_yaml_stream(knative_history_documents(50)))
    done = _knstack("render", "-f", str(source))
    assert done.returncode == 0, done.stderr
    assert done.stdout == stream(build_files([source]))  # every byte, flushed
    assert done.stdout.count("\n---\n") + 1 == 400


def test_rendered_files_and_bad_input_exit_codes_survive(tmp_path: Path) -> None:
    source = tmp_path / "services.yaml"
    source.write_text(dump_yaml_stream(knative_history_documents(5)))
    done = _knstack("render", "-f", str(source), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "out").rglob("*.yaml"))) == 41  # 40 objects, kustomization
    source.write_text("apiVersion: serving.knative.dev/v1\nkind: Service\n")
    done = _knstack("render", "-f", str(source))
    assert done.returncode == 2 and "metadata.name" in done.stderr, done.stderr
