"""Generated pipelines: the GitHub workflow is valid YAML whose jobs, `needs` and steps are
what promotion needs (and its promotion commands really walk the example); the Tekton
Pipeline passes kubeconform -strict against Tekton's CRDs, and so does each task in it."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from knstack.cli import main
from knstack.promote.pipelines import github_workflow, pipeline_model, tekton_pipeline
from knstack.stack import read_project
from knstack.validate import SchemaOptions, validate_paths
from tests.promote.conftest import Knstack
from tests.promote.helpers import state, tree_bytes

PROMOTION_JOBS = ["promote-test", "promote-staging", "promote-prod-wave-1", "promote-prod-wave-2"]


@pytest.fixture()
def workflow(example_project: Path) -> dict[str, Any]:
    text = github_workflow(pipeline_model(read_project(example_project)), example_project)
    return yaml.safe_load(text)


def knstack_commands(job: dict[str, Any]) -> list[str]:
    return [
        line
        for step in job["steps"]
        for line in step.get("run", "").splitlines()
        if line.startswith("knstack ")
    ]


def test_the_workflow_checks_pull_requests_and_uploads_sarif(workflow: dict[str, Any]) -> None:
    assert set(workflow["on"]) == {
        "pull_request",
        "push",
        "workflow_dispatch",
    }  # "on" stays a string key
    assert workflow["on"]["workflow_dispatch"]["inputs"]["service"]["options"] == [
        "coffee",
        "menu",
        "orders",
        "pastry",
        "tea",
    ]
    assert list(workflow["jobs"]) == ["check", *PROMOTION_JOBS]
    check = workflow["jobs"]["check"]
    assert check["strategy"]["matrix"]["environment"] == ["test", "staging", "prod", "lab"]
    assert check["permissions"] == {"contents": "read", "security-events": "write"}
    assert knstack_commands(check) == [
        'knstack render --stack "$ENVIRONMENT" --locked --out out',
        'knstack validate --stack "$ENVIRONMENT" --download-crds',
        'knstack check --stack "$ENVIRONMENT" --format sarif --output "knstack-$ENVIRONMENT.sarif"',
    ]
    by_name = {s.get("name"): s for s in check["steps"]}
    upload = by_name["Upload the findings to code scanning"]
    assert upload["uses"] == "github/codeql-action/upload-sarif@v3" and upload["if"].startswith(
        "always()"
    )
    assert upload["with"]["sarif_file"] == "knstack-${{ matrix.environment }}.sarif"
    assert by_name["Check policies"]["continue-on-error"] is True
    assert by_name["Fail on mandatory findings"]["if"] == "steps.check.outcome == 'failure'"
    assert all(
        "@" in s["uses"] for job in workflow["jobs"].values() for s in job["steps"] if "uses" in s
    )


def test_promotion_jobs_follow_the_chain_wave_by_wave_behind_environments(
    workflow: dict[str, Any],
) -> None:
    jobs = workflow["jobs"]
    assert {name: jobs[name].get("needs") for name in PROMOTION_JOBS} == {
        "promote-test": None,
        "promote-staging": ["promote-test"],
        "promote-prod-wave-1": ["promote-staging"],
        "promote-prod-wave-2": ["promote-prod-wave-1"],
    }
    assert {name: jobs[name]["environment"] for name in PROMOTION_JOBS} == {
        "promote-test": "test",
        "promote-staging": "staging",
        "promote-prod-wave-1": "prod-wave-1",
        "promote-prod-wave-2": "prod-wave-2",
    }
    for name in PROMOTION_JOBS:
        job = jobs[name]
        assert job["if"] == "github.event_name == 'workflow_dispatch'"
        assert job["permissions"] == {"contents": "write"}
        assert job["concurrency"] == {"group": "knstack-promotion", "cancel-in-progress": False}
        assert job["steps"][0]["with"]["ref"] == "${{ github.ref_name }}"
        assert all(
            "git push" in s["run"] for s in job["steps"] if s.get("run", "").startswith("knstack ")
        )
    assert jobs["promote-prod-wave-1"]["name"] == "promote to prod, wave 1 (prod-eu)"
    assert knstack_commands(jobs["promote-prod-wave-2"]) == [
        *[
            f'knstack advance "$SERVICE" --stack prod --wave 2 --stage {n} --wait --download-crds'
            for n in (1, 2, 3, 4)
        ],
        'knstack advance "$SERVICE" --stack prod --stable --wait --download-crds',
    ]


def run_jobs(workflow: dict[str, Any], knstack: Knstack, service: str) -> None:
    """Every promotion command of the workflow, in order, as the jobs would run them."""
    for name in PROMOTION_JOBS:
        for command in knstack_commands(workflow["jobs"][name]):
            args = [
                a.replace("$SERVICE", service)
                for a in shlex.split(command)[1:]
                if a != "--download-crds"
            ]
            code, _, err = knstack(*args)
            assert code == 0, (command, err)


def test_the_workflow_commands_walk_the_example(
    workflow: dict[str, Any], knstack: Knstack, example_project: Path
) -> None:
    run_jobs(workflow, knstack, "coffee")
    for env in ("test", "staging", "prod"):
        assert state(example_project, env) == ("coffee-00002", None, None, None, (), "stable"), env
    # A service with nothing new to release goes through every job without changing anything.
    before = tree_bytes(example_project / "stacks")
    run_jobs(workflow, knstack, "tea")
    assert tree_bytes(example_project / "stacks") == before


def test_the_tekton_pipeline_passes_kubeconform(
    example_project: Path,
    shared_dir: Path,
    tmp_path: Path,
    schema_cache: Path,
    kubeconform_binary: Path,
) -> None:
    out = tmp_path / "pipeline.yaml"
    assert (
        main(["pipeline", "--format", "tekton", "--output", str(out), "-C", str(example_project)])
        == 0
    )
    pipeline = yaml.safe_load(out.read_text())
    # The Pipeline, and each embedded task as the Task it is (the Pipeline CRD leaves taskSpec open).
    tasks = [
        {
            "apiVersion": "tekton.dev/v1",
            "kind": "Task",
            "metadata": {"name": t["name"], "namespace": "ci"},
            "spec": t["taskSpec"],
        }
        for t in pipeline["spec"]["tasks"]
    ]
    (tmp_path / "tasks.yaml").write_text(yaml.safe_dump_all(tasks))
    options = SchemaOptions(
        crd_paths=(shared_dir / "upstream" / "tekton-pipeline",), cache_dir=schema_cache
    )
    report = validate_paths([out, tmp_path / "tasks.yaml"], options)
    assert [(r.label, r.errors, r.message) for r in report.failures] == []
    assert {(r.kind, r.status) for r in report.results} == {
        ("Pipeline", "valid"),
        ("Task", "valid"),
    }
    assert len(report.results) == 4


def test_each_environment_task_reaches_its_clusters_through_kubeconfig_secrets(
    example_project: Path,
) -> None:
    pipeline = yaml.safe_load(tekton_pipeline(pipeline_model(read_project(example_project))))
    spec = pipeline["spec"]
    declared = {w["name"] for w in spec["workspaces"]}
    assert declared == {
        "source",
        "basic-auth",
        "kubeconfig-test-1",
        "kubeconfig-staging-eu",
        "kubeconfig-prod-eu",
        "kubeconfig-prod-us",
    }
    tasks = {t["name"]: t for t in spec["tasks"]}
    assert list(tasks) == ["promote-test", "promote-staging", "promote-prod"]
    assert [tasks[n].get("runAfter") for n in tasks] == [
        None,
        ["promote-test"],
        ["promote-staging"],
    ]
    prod = tasks["promote-prod"]
    assert {w["workspace"] for w in prod["workspaces"]} == {
        "source",
        "basic-auth",
        "kubeconfig-prod-eu",
        "kubeconfig-prod-us",
    }
    steps = prod["taskSpec"]["steps"]
    names = [s["name"] for s in steps]
    assert names == [
        "start",
        "wave-1-stage-2",
        "wave-1-stage-3",
        "wave-1-stage-4",
        *[f"wave-2-stage-{n}" for n in (1, 2, 3, 4)],
        "stable",
        "push",
    ]
    assert all(re.fullmatch(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?", n) for n in names)

    def applied(step: dict[str, Any]) -> list[str]:
        return re.findall(r"--context (\S+) apply -k out/prod/(\S+)", step["script"])

    # Wave 1 applies to prod-eu only; from wave 2 on, to both clusters.
    assert applied(steps[0]) == [("prod-eu", "prod-eu")]
    assert applied(steps[4]) == [("prod-eu", "prod-eu"), ("prod-us", "prod-us")]
    assert '"$(workspaces.kubeconfig-prod-us.path)/kubeconfig"' in steps[4]["script"]
    for task in tasks.values():
        used = set(re.findall(r"\$\(workspaces\.([a-z0-9-]+)\.", yaml.safe_dump(task["taskSpec"])))
        assert used <= {w["name"] for w in task["taskSpec"]["workspaces"]}
    assert prod["taskSpec"]["stepTemplate"]["securityContext"]["runAsNonRoot"] is True


def test_pipeline_output_goes_to_stdout_or_a_file(
    example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["pipeline", "--format", "github-actions", "-C", str(example_project)]) == 0
    printed = capsys.readouterr().out
    target = tmp_path / ".github" / "workflows" / "knstack.yaml"
    assert (
        main(
            [
                "pipeline",
                "--format",
                "github-actions",
                "--output",
                str(target),
                "-C",
                str(example_project),
            ]
        )
        == 0
    )
    assert target.read_text() == printed  # same input, same bytes
    assert (
        main(
            [
                "pipeline",
                "--format",
                "github-actions",
                "--output",
                str(tmp_path),
                "-C",
                str(example_project),
            ]
        )
        == 2
    )
