"""Environment settings from stack files: one loader, precise errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from knstack.cli import main
from knstack.stack import effective_cluster_settings, load_environment, read_project


def test_example_environments_load(repo_root: Path) -> None:
    project = read_project(repo_root)
    assert project.environments() == ["lab", "prod", "staging", "test"]
    prod = load_environment(project, "prod").settings
    assert [c.name for c in prod.clusters] == ["prod-eu", "prod-us"]
    us = effective_cluster_settings("prod", prod, prod.cluster("prod-us"))
    eu = effective_cluster_settings("prod", prod, prod.cluster("prod-eu"))
    assert (eu.gateway.name, us.gateway.name) == ("public", "public-us")
    assert eu.domain == us.domain == "coffee.example.com"


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ("  knstack:backnd: kubernetes\n", 'config."knstack:backnd"', "unknown setting"),
        ("  knstack:backend: nomad\n", 'config."knstack:backend"', "'kubernetes' or 'knative'"),
        ("  knstack:namespace: Coffee_Shop\n", 'config."knstack:namespace"', "DNS-1123"),
        (
            "  knstack:clusters:\n    - name: a\n    - name: a\n",
            'config."knstack:clusters"',
            "duplicate cluster names: a",
        ),
        ("  knstack:gateway:\n    nmae: x\n", 'config."knstack:gateway".nmae', "unknown setting"),
        (
            "  knstack:knative:\n    config:\n      features:\n        kubernetes.podspec-affinty: enabled\n",
            'config."knstack:knative"',
            "kubernetes.podspec-affinty",
        ),
    ],
    ids=[
        "typo",
        "bad-backend",
        "bad-namespace",
        "duplicate-clusters",
        "nested-typo",
        "unknown-feature",
    ],
)
def test_bad_settings_name_the_stack_file_and_key(
    example_project: Path, line: str, field: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = example_project / "stacks/Pulumi.test.yaml"
    stack.write_text("config:\n" + line)
    assert main(["render", "--stack", "test", "-C", str(example_project)]) == 2
    err = capsys.readouterr().err
    assert str(stack) in err and "stack test" in err
    assert f"field {field}" in err and message in err
    assert not (example_project / "out").exists()


def test_other_config_namespaces_are_left_to_pulumi(example_project: Path) -> None:
    stack = example_project / "stacks/Pulumi.test.yaml"
    stack.write_text(
        stack.read_text()
        + "  kubernetes:enableServerSideApply: true\n  coffee-shop:owner: platform\n"
    )
    assert main(["render", "--stack", "test", "-C", str(example_project)]) == 0


def test_the_project_is_found_from_a_subdirectory(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example_project / "components")
    assert main(["render", "--stack", "test"]) == 0
    assert (example_project / "out/test/test-1").is_dir()
