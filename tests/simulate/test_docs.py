"""docs/simulate.md is what scripts/simulate_docs.py writes (its figures are current)."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_docs_page_is_current(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "argv", ["simulate_docs.py", str(tmp_path)])
    script = runpy.run_path(str(REPO / "scripts" / "simulate_docs.py"))
    assert script["main"]() == 0
    written = (tmp_path / "simulate.md").read_text()
    assert written == (REPO / "docs" / "simulate.md").read_text(), (
        "docs/simulate.md is stale: run .venv/bin/python scripts/simulate_docs.py"
    )
    for name in ("reaction", "scale-to-zero", "schedule"):
        for ext in ("png", "svg"):
            assert (tmp_path / "simulate" / f"{name}.{ext}").stat().st_size > 1000
