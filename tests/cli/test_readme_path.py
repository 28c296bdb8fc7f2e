"""The README's "Your first ten minutes" path, run as written.

Every `$ command` of the section's console blocks runs, in order, in one bash session in a
temporary copy of the repository (no `../shared` beside it, the checkout's `.venv` and
`.tools` linked in), so it changes nothing here. Each command must exit 0 and print what the
README shows under it; `...` in the README stands for any text (paths, times, lines left out).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cli.test_main_job import fresh_clone, user_environment

SECTION = "## Your first ten minutes"
MARK = "@@knstack-readme-step@@"


@dataclass(frozen=True)
class Step:
    command: str
    expected: str  # the README's output lines, `...` for any text


def readme_steps(readme: str) -> list[Step]:
    """The `$ ` commands of the section's ```console blocks, each with the lines below it."""
    start = readme.index(SECTION)
    end = readme.find("\n## ", start + len(SECTION))
    section = readme[start : end if end != -1 else None]
    steps: list[Step] = []
    for block in re.findall(r"```console\n(.*?)```", section, flags=re.S):
        for chunk in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, output = chunk.partition("\n")
            steps.append(Step(command.strip(), output.rstrip("\n")))
    return steps


def matches(expected: str, actual: str) -> bool:
    pattern = ".*?".join(re.escape(part) for part in expected.split("..."))
    return re.fullmatch(pattern, actual, flags=re.S) is not None


def run_in_one_session(steps: list[Step], cwd: Path, env: dict[str, str]) -> list[tuple[int, str]]:
    """Run the commands one after another in a single bash (so `source` carries over)."""
    script = ["exec 2>&1"]
    for step in steps:
        script += [f"echo {MARK}", step.command, f"echo {MARK} $?"]
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=cwd,
        env={**env, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    results = []
    parts = done.stdout.split(f"{MARK}\n")[1:]
    for part in parts:
        output, _, code = part.rpartition(f"{MARK} ")
        results.append((int(code.strip()), output.rstrip("\n")))
    return results


@pytest.fixture(scope="module")
def readme_path(repo_root: Path, tmp_path_factory: pytest.TempPathFactory):
    steps = readme_steps((repo_root / "README.md").read_text(encoding="utf-8"))
    clone = fresh_clone(repo_root, tmp_path_factory.mktemp("readme") / "knstack")
    cache = tmp_path_factory.mktemp("cache")
    return steps, run_in_one_session(steps, clone, user_environment(cache))


def test_the_path_goes_from_clone_to_first_promotion(repo_root: Path) -> None:
    steps = readme_steps((repo_root / "README.md").read_text(encoding="utf-8"))
    commands = [s.command for s in steps]
    assert commands[0] == "bash scripts/example.sh"
    assert any(c.startswith("knstack advance") for c in commands)
    assert any(c.startswith("knstack promote") for c in commands)
    shown = [s for s in steps if s.command.startswith(("bash ", "knstack "))]
    assert all(s.expected for s in shown), "every main-job and knstack command shows its output"


def test_every_readme_command_prints_what_the_readme_says(readme_path) -> None:
    steps, results = readme_path
    assert len(results) == len(steps), results[-1:] if results else "nothing ran"
    for step, (code, output) in zip(steps, results, strict=True):
        assert code == 0, f"$ {step.command}\n{output}"
        assert matches(step.expected, output), (
            f"$ {step.command}\n--- README\n{step.expected}\n--- printed\n{output}"
        )


@pytest.mark.parametrize(
    ("expected", "actual", "ok"),
    [
        ("a ... c", "a b c", True),
        ("...\nlast", "first\nsecond\nlast", True),
        ("exact", "exact\nmore", False),
        ("x (1)", "x (1)", True),
    ],
)
def test_the_ellipsis_matches_any_text_and_nothing_else(
    expected: str, actual: str, ok: bool
) -> None:
    assert matches(expected, actual) is ok
