"""Generated pipelines run `advance --auto` on the analysis schedule of each environment
that defines checks, and publish the result (a commit, or a pull request)."""

from __future__ import annotations

from pathlib import Path

import yaml

from knstack.cli import main
from knstack.promote.pipelines import github_workflow, pipeline_model
from knstack.stack import read_project
from knstack.validate import SchemaOptions, validate_paths
from tests.analysis.helpers import add_analysis


def workflow(project: Path) -> dict:
    return yaml.safe_load(github_workflow(pipeline_model(read_project(project)), project))


def test_no_analysis_no_schedule(example_project: Path) -> None:
    assert "schedule" not in workflow(example_project)["on"]


def test_scheduled_auto_job_commits_the_result(example_project: Path) -> None:
    add_analysis(example_project, "http://prometheus.monitoring:9090")
    flow = workflow(example_project)
    assert flow["on"]["schedule"] == [{"cron": "*/15 * * * *"}]
    job = flow["jobs"]["auto-staging"]
    assert job["if"] == "github.event_name == 'schedule' && github.event.schedule == '*/15 * * * *'"
    assert job["concurrency"] == {"group": "knstack-promotion", "cancel-in-progress": False}
    assert flow["jobs"]["promote-staging"]["concurrency"] == job["concurrency"]
    script = job["steps"][-1]["run"]
    assert script.startswith("for SERVICE in coffee menu orders pastry tea; do\n")
    assert 'knstack advance "$SERVICE" --stack staging --auto --download-crds' in script
    assert "git push\n" in script and "gh pr create" not in script
    assert job["permissions"] == {"contents": "write"}
    assert "schedule" in flow["jobs"]["check"]["if"]  # the checks do not run on the timer


def test_pull_request_publishing(example_project: Path) -> None:
    add_analysis(example_project, "http://prometheus.monitoring:9090")
    path = example_project / "stacks" / "Pulumi.staging.yaml"
    path.write_text(
        path.read_text().replace(
            "    checks:", '    schedule: "0 * * * *"\n    publish: pull-request\n    checks:', 1
        )
    )
    flow = workflow(example_project)
    assert flow["on"]["schedule"] == [{"cron": "0 * * * *"}]
    job = flow["jobs"]["auto-staging"]
    step = job["steps"][-1]
    assert "gh pr create" in step["run"] and step["env"] == {"GH_TOKEN": "${{ github.token }}"}
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}


def test_tekton_auto_pipeline_and_schedule_pass_kubeconform(
    example_project: Path,
    shared_dir: Path,
    tmp_path: Path,
    schema_cache: Path,
    kubeconform_binary: Path,
) -> None:
    add_analysis(example_project, "http://prometheus.monitoring:9090")
    out = tmp_path / "pipeline.yaml"
    args = ["pipeline", "--format", "tekton", "--output", str(out), "-C", str(example_project)]
    assert main(args) == 0
    documents = list(yaml.safe_load_all(out.read_text()))
    kinds = [(d["kind"], d["metadata"]["name"]) for d in documents]
    assert kinds[1:] == [
        ("Pipeline", "knstack-promote-auto"),
        ("ServiceAccount", "knstack-promote-auto-scheduler"),
        ("Role", "knstack-promote-auto-scheduler"),
        ("RoleBinding", "knstack-promote-auto-scheduler"),
        ("CronJob", "knstack-promote-auto-1"),
    ]
    auto = documents[1]
    (task,) = auto["spec"]["tasks"]
    script = task["taskSpec"]["steps"][0]["script"]
    assert 'knstack advance "$SERVICE" --stack staging --auto "$@"' in script
    assert documents[3]["rules"] == [
        {"apiGroups": ["tekton.dev"], "resources": ["pipelineruns"], "verbs": ["create"]}
    ]
    cron = documents[5]["spec"]
    assert cron["schedule"] == "*/15 * * * *" and cron["concurrencyPolicy"] == "Forbid"
    tasks = [
        {
            "apiVersion": "tekton.dev/v1",
            "kind": "Task",
            "metadata": {"name": t["name"], "namespace": "ci"},
            "spec": t["taskSpec"],
        }
        for d in documents[:2]
        for t in d["spec"]["tasks"]
    ]
    (tmp_path / "tasks.yaml").write_text(yaml.safe_dump_all(tasks))
    options = SchemaOptions(
        crd_paths=(shared_dir / "upstream" / "tekton-pipeline",), cache_dir=schema_cache
    )
    report = validate_paths([out, tmp_path / "tasks.yaml"], options)
    assert [(r.label, r.errors, r.message) for r in report.failures] == []
    assert len(report.results) == 6 + len(tasks)
