"""Rendering: layout, determinism, atomicity, formats and the command-line contract."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from knstack.cli import main
from knstack.synthetic import write_synthetic_project


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_render_writes_one_file_per_object_per_cluster_in_apply_order(
    example_project: Path,
) -> None:
    out = example_project / "out"
    assert main(["render", "--stack", "prod", "-C", str(example_project)]) == 0
    clusters = sorted(p.name for p in (out / "prod").iterdir())
    assert clusters == ["prod-eu", "prod-us"]
    for cluster in clusters:
        files = sorted(
            p.name
            for p in (out / "prod" / cluster).glob("*.yaml")
            if p.name != "kustomization.yaml"
        )
        assert files[0] == "00_namespace_coffee-shop.yaml"  # namespaces before what needs them
        kustomization = yaml.safe_load((out / "prod" / cluster / "kustomization.yaml").read_text())
        assert kustomization["resources"] == files
        for name in files:
            docs = list(yaml.safe_load_all((out / "prod" / cluster / name).read_text()))
            assert len(docs) == 1 and docs[0]["metadata"]["name"] in name
    # The US cluster overrides the gateway (Istio); the EU cluster uses the environment's.
    eu = yaml.safe_load(
        (
            out / "prod/prod-eu/06_httproute.gateway.networking.k8s.io_coffee-shop_coffee.yaml"
        ).read_text()
    )
    us = yaml.safe_load(
        (
            out / "prod/prod-us/06_virtualservice.networking.istio.io_coffee-shop_coffee.yaml"
        ).read_text()
    )
    assert eu["spec"]["parentRefs"][0]["name"] == "public"
    assert us["spec"]["gateways"] == ["istio-system/public-us"]


def test_rendering_twice_gives_identical_bytes_even_across_processes(
    example_project: Path, tmp_path: Path
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert (
        main(["render", "--stack", "staging", "-C", str(example_project), "--out", str(first)]) == 0
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "knstack",
            "render",
            "--stack",
            "staging",
            "-C",
            str(example_project),
            "--out",
            str(second),
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    assert tree(first) == tree(second)
    assert tree(first)  # something was written


def test_json_format_writes_the_same_objects(example_project: Path, tmp_path: Path) -> None:
    assert (
        main(
            ["render", "--stack", "test", "-C", str(example_project), "--out", str(tmp_path / "y")]
        )
        == 0
    )
    assert (
        main(
            [
                "render",
                "--stack",
                "test",
                "-C",
                str(example_project),
                "--out",
                str(tmp_path / "j"),
                "--format",
                "json",
            ]
        )
        == 0
    )
    as_yaml = {
        p.stem: yaml.safe_load(p.read_text()) for p in (tmp_path / "y/test/test-1").glob("0*.yaml")
    }
    as_json = {
        p.stem: json.loads(p.read_text()) for p in (tmp_path / "j/test/test-1").glob("0*.json")
    }
    assert as_yaml == as_json and len(as_yaml) > 5


def test_files_render_to_stdout_when_no_out_is_given(
    corpus_files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    [sample] = [p for p in corpus_files if p.stem == "serving__hello-world__helloworld-go__service"]
    assert main(["render", "-f", str(sample)]) == 0
    docs = list(yaml.safe_load_all(capsys.readouterr().out))
    assert [(d["kind"], d["metadata"]["name"]) for d in docs] == [
        ("Deployment", "helloworld-go-00001-deployment"),
        ("Service", "helloworld-go-00001"),
        ("HTTPRoute", "helloworld-go"),
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["render"],
        ["render", "--stack", "test", "-f", "x.yaml"],
        ["render", "--stack", "test", "--format", "toml"],
        ["render", "--stack", "test", "--backend", "nomad"],
        ["frobnicate"],
    ],
    ids=["neither", "both", "bad-format", "bad-backend", "unknown-command"],
)
def test_usage_errors_exit_2(
    args: list[str], example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*args, "-C", str(example_project)] if args[0] == "render" else args) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_unknown_environment_is_bad_input(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", "--stack", "qa", "-C", str(example_project)]) == 2
    assert "environments: lab, prod, staging, test" in capsys.readouterr().err


def test_a_bug_in_the_components_is_reported_with_its_file_and_line(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tea = example_project / "components/tea.py"
    tea.write_text(tea.read_text() + "\nraise RuntimeError('kettle exploded')\n")
    assert main(["render", "--stack", "test", "-C", str(example_project)]) == 2
    err = capsys.readouterr().err
    assert "tea.py:" in err and "RuntimeError: kettle exploded" in err
    assert "Traceback" not in err


def test_an_object_that_is_not_knative_in_the_components_is_named(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    init = example_project / "components/__init__.py"
    init.write_text(
        init.read_text().replace(
            "knative_objects = [coffee, tea]", "knative_objects = [coffee, tea, 'milk']"
        )
    )
    assert main(["render", "--stack", "test", "-C", str(example_project)]) == 2
    assert (
        "field knative_objects[2]: expected a knstack Service, Configuration or Route, got str"
        in capsys.readouterr().err
    )


def test_a_killed_render_leaves_the_previous_output_in_place(tmp_path: Path) -> None:
    """Render a large project, change it, start a second render and kill it mid-write."""
    project = write_synthetic_project(tmp_path / "project", 500)
    out = tmp_path / "out"
    assert main(["render", "--stack", "bench", "-C", str(project), "--out", str(out)]) == 0
    before = tree(out / "bench")
    components = project / "components/services.yaml"
    components.write_text(
        components.read_text()
        .replace("percent: 70", "percent: 60")
        .replace("percent: 20", "percent: 30")
    )

    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "knstack",
            "render",
            "--stack",
            "bench",
            "-C",
            str(project),
            "--out",
            str(out),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    killed_while_writing = False
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        staging = [p for p in out.glob(".bench.staging-*") if p.is_dir()]
        if staging and any(staging[0].rglob("*.yaml")):
            os.kill(proc.pid, signal.SIGKILL)
            killed_while_writing = True
            break
        time.sleep(0.005)
    proc.wait()
    assert killed_while_writing, "the render finished before it could be interrupted"
    assert tree(out / "bench") == before
    # The next render cleans up the leftover staging directory and succeeds.
    assert main(["render", "--stack", "bench", "-C", str(project), "--out", str(out)]) == 0
    assert not list(out.glob(".bench.staging-*"))
    assert tree(out / "bench") != before
