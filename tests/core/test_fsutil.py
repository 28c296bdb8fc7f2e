"""Atomic writes keep the file mode a user expects (not the 0600 of a temporary file)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from knstack.fsutil import atomic_write_bytes, atomic_write_text


@pytest.fixture()
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_file_gets_the_umask_mode(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "plots" / "coffee.svg"
    atomic_write_bytes(path, b"<svg/>")
    assert mode(path) == 0o644
    assert path.read_bytes() == b"<svg/>"


def test_a_replaced_file_keeps_its_mode(tmp_path: Path, umask_022: None) -> None:
    path = tmp_path / "Pulumi.staging.yaml"
    path.write_text("old\n")
    path.chmod(0o640)
    atomic_write_text(path, "new\n")
    assert mode(path) == 0o640
    assert path.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["Pulumi.staging.yaml"]  # no temporary left
