"""Fixtures of the end-to-end tests: the bootstrapped tools and a private copy of the project."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from knstack.cli import main as knstack_main
from tests.e2e.pulumi_cli import REPO, PulumiCli, check_tools, read_objects, tools_environment


@pytest.fixture(scope="session")
def tools_env() -> dict[str, str]:
    env = tools_environment()
    check_tools(env)
    return env


@pytest.fixture()
def pulumi_project(example_project: Path) -> Path:
    """The example project as a user has it: program, policy pack, and the project venv
    where Pulumi.yaml (`virtualenv: .venv`) and PulumiPolicy.yaml (`../.venv`) look."""
    shutil.copy2(REPO / "__main__.py", example_project / "__main__.py")
    shutil.copytree(
        REPO / "policies",
        example_project / "policies",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    (example_project / ".venv").symlink_to(REPO / ".venv", target_is_directory=True)
    return example_project


@pytest.fixture()
def pulumi(pulumi_project: Path, tmp_path: Path, tools_env: dict[str, str]) -> PulumiCli:
    return PulumiCli(pulumi_project, tmp_path / "pulumi-home", tools_env)


@pytest.fixture()
def knstack_render(pulumi_project: Path, tmp_path: Path) -> Callable[[str], dict[str, list[dict]]]:
    """`knstack render --stack ENV` of the project copy: objects per cluster."""
    counter = iter(range(1000))

    def render(env: str) -> dict[str, list[dict]]:
        out = tmp_path / f"knstack-render-{next(counter)}"
        assert (
            knstack_main(["render", "--stack", env, "-C", str(pulumi_project), "--out", str(out)])
            == 0
        )
        return {d.name: read_objects(d) for d in sorted((out / env).iterdir())}

    return render
