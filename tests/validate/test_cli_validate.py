"""`knstack validate` as a user and a CI job run it: exit codes, summary, JSON, JUnit."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from knstack.cli import main

pytestmark = pytest.mark.usefixtures("cli_env")

BAD_MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1
          imagePulPolicy: Always
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {mode: fast}
---
apiVersion: widgets.example.com/v1
kind: Widget
metadata: {name: w}
"""


@pytest.fixture()
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_MANIFESTS)
    return path


def test_stack_passes_with_exit_0(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ledger = (example_project / "stacks/test.ledger.yaml").read_bytes()
    assert main(["validate", "--stack", "test", "-C", str(example_project)]) == 0
    out = capsys.readouterr().out
    assert re.search(
        r"✓ (\d+) objects in environment test: \1 valid, 0 invalid, 0 not checked, 0 skipped", out
    )
    assert "kubeconform v0.7.0 -strict: Kubernetes 1.33.0 (kubernetes-validate 1.37.0)" in out
    assert (
        example_project / "stacks/test.ledger.yaml"
    ).read_bytes() == ledger  # validate never writes
    assert not (example_project / "out").exists()


def test_invalid_objects_exit_1_with_field_and_file(
    bad_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["validate", str(bad_file)]) == 1
    out = capsys.readouterr().out
    assert "✗ Deployment web" in out
    assert (
        "spec.template.spec.containers[0].imagePulPolicy: unknown field (check the spelling)" in out
    )
    assert "! Widget w" in out and "no schema for widgets.example.com/v1 Widget" in out
    assert "✗ 3 objects in " in out and "1 valid, 1 invalid, 1 not checked, 0 skipped" in out


def test_json_report_to_a_file(bad_file: Path, tmp_path: Path) -> None:
    report_path = tmp_path / "reports" / "validate.json"
    assert main(["validate", str(bad_file), "--format", "json", "--output", str(report_path)]) == 1
    report = json.loads(report_path.read_text())
    assert report["kind"] == "ValidationReport" and report["valid"] is False
    assert report["summary"] == {"objects": 3, "valid": 1, "invalid": 1, "error": 1, "skipped": 0}
    by_kind = {o["kind"]: o for o in report["objects"]}
    assert by_kind["Deployment"]["errors"] == [
        {
            "field": "spec.template.spec.containers[0].imagePulPolicy",
            "message": "unknown field (check the spelling)",
        }
    ]
    assert by_kind["ConfigMap"]["status"] == "valid"
    assert by_kind["Widget"]["status"] == "error"
    assert "serving.knative.dev/v1 Service" in report["schemas"]["customResources"]


def test_junit_report_on_stdout(bad_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(bad_file), "--format", "junit"]) == 1
    captured = capsys.readouterr()
    suites = ET.fromstring(captured.out)
    assert suites.tag == "testsuites"
    assert (suites.get("tests"), suites.get("failures"), suites.get("errors")) == ("3", "1", "1")
    cases = {case.get("name"): case for case in suites.iter("testcase")}
    assert set(cases) == {"Deployment web", "ConfigMap settings", "Widget w"}
    failure = cases["Deployment web"].find("failure")
    assert failure is not None and "imagePulPolicy" in (failure.text or "")
    assert cases["Widget w"].find("error") is not None
    assert "✗ 3 objects" in captured.err  # the human summary moves to stderr


def test_reports_are_deterministic(bad_file: Path, tmp_path: Path) -> None:
    outputs = []
    for run in range(2):
        path = tmp_path / f"r{run}.xml"
        main(["validate", str(bad_file), "--format", "junit", "-o", str(path)])
        outputs.append(path.read_bytes())
    assert outputs[0] == outputs[1]


def test_rendered_directory_validates_with_kustomization_skipped(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", "--stack", "staging", "-C", str(example_project)]) == 0
    assert main(["validate", str(example_project / "out" / "staging")]) == 0
    counts = re.search(
        r"✓ (\d+) objects in .*: (\d+) valid, 0 invalid, 0 not checked, 1 skipped",
        capsys.readouterr().out,
    )
    assert counts and int(counts[1]) == int(counts[2]) + 1 > 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate"], "give either --stack ENV or PATH"),
        (["validate", "--stack", "test", "x.yaml"], "give either --stack ENV or PATH"),
        (["validate", "x.yaml", "--output", "r.json"], "--output needs --format json or junit"),
        (["validate", "does-not-exist.yaml"], "does-not-exist.yaml: no such file or directory"),
        (
            ["validate", "--kubernetes-version", "1.9", "."],
            "no Kubernetes schemas for version '1.9'",
        ),
        (["validate", "--crds", "no-such-crds", "."], "no-such-crds: CRD path does not exist"),
    ],
)
def test_bad_input_exits_2(
    args: list[str],
    message: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    assert message in capsys.readouterr().err


def test_unsupported_kubernetes_version_in_a_stack_names_file_and_key(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = example_project / "stacks/Pulumi.test.yaml"
    stack.write_text(stack.read_text() + "  knstack:kubernetesVersion: '1.12.0'\n")
    assert main(["validate", "--stack", "test", "-C", str(example_project)]) == 2
    err = capsys.readouterr().err
    assert (
        f"{stack}: field config.\"knstack:kubernetesVersion\": no Kubernetes schemas for version '1.12.0'"
        in err
    )


def test_missing_kubeconform_is_reported_not_a_traceback(
    bad_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KNSTACK_KUBECONFORM", "/nonexistent/kubeconform")
    assert main(["validate", str(bad_file)]) == 2
    assert (
        "KNSTACK_KUBECONFORM=/nonexistent/kubeconform is not an executable file"
        in capsys.readouterr().err
    )


def test_render_and_validate_a_cluster_layout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], cli_env: None
) -> None:
    source = tmp_path / "service.yaml"
    source.write_text(
        "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: shop\n"
        "spec:\n  template:\n    spec:\n      containers:\n      - image: example.com/shop:1\n"
    )
    out = tmp_path / "out"
    assert main(["render", "-f", str(source), "--layout", "cluster", "--out", str(out)]) == 0
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["files/default/kustomization.yaml", "files/default/manifests.yaml"]
    assert main(["validate", str(out)]) == 0  # kubeconform reads the multi-document file
    assert "0 invalid" in capsys.readouterr().out
