"""The end-to-end tests find the bootstrapped tools by themselves, and fail without them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.pulumi_cli import REPO, check_tools, source_tools_env, tools_environment


def test_tools_env_points_pulumi_at_the_bootstrapped_tools() -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
    env = source_tools_env(base)
    assert str(REPO / ".tools" / "bin") in env["PATH"].split(os.pathsep)
    assert env["PULUMI_HOME"] == str(REPO / ".tools" / "pulumi-home")
    assert env["PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION"] == "true"
    assert env["PULUMI_IGNORE_AMBIENT_PLUGINS"] == "true"
    # The language host joins PULUMI_PYTHON_CMD onto the virtualenv Pulumi.yaml names, so
    # tools-env.sh must leave it unset (".venv/bin//abs/path/python" otherwise).
    assert "PULUMI_PYTHON_CMD" not in env
    # and the tests never inherit a backend or a cluster
    assert not {"PULUMI_BACKEND_URL", "KUBECONFIG"} & set(tools_environment())


def test_a_missing_tool_fails_and_says_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(pytest.fail.Exception) as caught:
        check_tools({"PATH": str(tmp_path), "PULUMI_HOME": str(tmp_path)})
    message = str(caught.value)
    for tool in (
        "pulumi ",
        "pulumi-language-python ",
        "pulumi-analyzer-policy-python",
        "kubernetes plugin",
    ):
        assert tool in message
    assert "run scripts/bootstrap.sh" in message
