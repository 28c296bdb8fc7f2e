"""The main job (`bash scripts/example.sh`) as a new user runs it: from a clone with no
`../shared` beside it, every object of every example environment validated, the whole
output on one screen.

The clone is a copy of the work tree in a temporary directory; its `.venv` and `.tools`
link to this checkout's (building them again would only measure pip and Go).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import without_keda_http_add_on

EXAMPLE_ENVIRONMENTS = ("test", "staging", "prod", "lab")
_NOT_COPIED = shutil.ignore_patterns(
    ".git", ".venv", ".tools", "out", "__pycache__", ".pytest_cache", ".ruff_cache", "*.egg-info"
)


def fresh_clone(repo_root: Path, target: Path) -> Path:
    """A copy of the work tree at `target` (no ../shared beside it), sharing .venv/.tools."""
    shutil.copytree(repo_root, target, ignore=_NOT_COPIED, symlinks=True)
    for built in (".venv", ".tools"):
        (target / built).symlink_to(repo_root / built, target_is_directory=True)
    assert not (target.parent / "shared").exists()
    return target


def user_environment(cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KNSTACK_")}
    env["KNSTACK_CACHE_DIR"] = str(cache)
    return env


@pytest.fixture(scope="module")
def example_run(
    repo_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> subprocess.CompletedProcess[str]:
    clone = fresh_clone(repo_root, tmp_path_factory.mktemp("clone") / "knstack")
    cache = tmp_path_factory.mktemp("cache")
    return subprocess.run(
        ["bash", "scripts/example.sh"],
        cwd=clone,
        env=user_environment(cache),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_example_validates_every_object_without_shared(
    example_run: subprocess.CompletedProcess[str],
) -> None:
    assert example_run.returncode == 0, example_run.stderr
    summaries = re.findall(
        r"✓ (\d+) objects in environment (\w+): (\d+) valid, 0 invalid, 0 not checked, 0 skipped",
        example_run.stdout,
    )
    assert [env for _, env, _ in summaries] == list(EXAMPLE_ENVIRONMENTS)
    assert all(total == valid and int(total) > 0 for total, _, valid in summaries)
    assert "skipping validate" not in example_run.stderr


SCREEN_LINES, SCREEN_COLUMNS = 24, 132


def test_example_output_fits_on_one_screen_without_warnings(
    example_run: subprocess.CompletedProcess[str],
) -> None:
    """Every example cluster gives its services what they need, so nothing warns; the
    whole output (both streams) fits a 24-line terminal."""
    assert example_run.returncode == 0, example_run.stderr
    assert "warning" not in example_run.stderr + example_run.stdout
    lines = (example_run.stderr + example_run.stdout).splitlines()
    assert len(lines) <= SCREEN_LINES, "\n".join(lines)
    clone = re.compile(r"/\S*/knstack/out/")  # the clone's temporary path is not ours
    assert all(len(clone.sub("out/", line)) <= SCREEN_COLUMNS for line in lines)


def test_quiet_prints_no_warnings(
    example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`knstack -q` keeps scripts' logs to errors and results: the test environment's
    warning (a KPA revision on a cluster without the KEDA HTTP add-on) is not printed."""
    from knstack.cli import main

    args = ["render", "--stack", "test", "-C", str(example_project), "--out", str(tmp_path)]
    without_keda_http_add_on(example_project, "test")
    assert main(args) == 0
    assert "warning:" in capsys.readouterr().err
    assert main(["--quiet", *args]) == 0
    err = capsys.readouterr().err
    assert "warning:" not in err and "rendered" in err


BLOCK_SIMULATE_EXTRA = """
import sys
sys.modules["numpy"] = None  # an import of numpy or matplotlib now fails
sys.modules["matplotlib"] = None
from knstack.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(
    "args",
    [
        ["render", "--stack", "prod", "--out", "{tmp}"],
        ["check", "--stack", "staging"],
        ["status"],
        ["diff", "staging", "prod"],
    ],
)
def test_main_job_needs_no_simulate_extra(
    example_project: Path, tmp_path: Path, args: list[str]
) -> None:
    """numpy and matplotlib are the `simulate` extra; the main job's commands import neither."""
    argv = [a.replace("{tmp}", str(tmp_path / "out")) for a in args]
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_SIMULATE_EXTRA, *argv, "-C", str(example_project)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
