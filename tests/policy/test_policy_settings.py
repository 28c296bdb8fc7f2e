"""`knstack:policy`: parsed with the stack file's conventions, and what the rules judge against."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from knstack.errors import InputError
from knstack.policy import CanaryStep, check_environment
from knstack.stack import find_project, parse_settings


@pytest.mark.parametrize(
    ("policy", "field", "message"),
    [
        ({"requireDigests": True}, 'config."knstack:policy".requireDigests', "unknown setting"),
        (
            {"rules": {"image-digest": "fatal"}},
            'config."knstack:policy".rules.image-digest',
            "'mandatory', 'advisory' or 'disabled'",
        ),
        (
            {"containerConcurrency": {"min": 50, "max": 10}},
            'config."knstack:policy".containerConcurrency',
            "min (50) is greater than max (10)",
        ),
        (
            {"maxCanaryStep": 150},
            'config."knstack:policy".maxCanaryStep',
            "less than or equal to 100",
        ),
        (
            {"latencySensitive": ["Coffee"]},
            'config."knstack:policy".latencySensitive',
            "not a DNS-1123 label",
        ),
        (
            {"allowedRegistries": ["registry.example.com/x@sha256"]},
            'config."knstack:policy".allowedRegistries',
            "not an image name prefix",
        ),
    ],
)
def test_bad_settings_name_the_field(policy: dict, field: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_settings({"knstack:policy": policy}, "stacks/Pulumi.prod.yaml", "prod")
    [problem] = raised.value.problems
    assert (problem.file, problem.obj, problem.field) == (
        "stacks/Pulumi.prod.yaml",
        "stack prod",
        field,
    )
    assert message in problem.message


TAGGED = """\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: latte
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/min-scale: "1"
        autoscaling.knative.dev/max-scale: "2"
    spec:
      containers:
        - image: registry.example.com/coffee-shop/latte:1.0.0
          readinessProbe: {httpGet: {path: /ready}}
          livenessProbe: {httpGet: {path: /healthz}}
"""


def record_in_prod(project: Path) -> None:
    """Let prod record new components itself instead of waiting for a promotion."""
    stack = project / "stacks" / "Pulumi.prod.yaml"
    stack.write_text(stack.read_text().replace("  knstack:promotion:\n    from: staging\n", ""))


def test_tags_are_allowed_in_test_and_digests_required_in_prod(example_project: Path) -> None:
    (example_project / "components" / "latte.yaml").write_text(TAGGED)
    record_in_prod(example_project)
    project = find_project(example_project)
    test, prod = check_environment(project, "test"), check_environment(project, "prod")
    assert test.passed
    assert not [f for f in test.findings if f.rule.id == "image-digest"]
    assert not prod.passed
    [finding] = [f for f in prod.findings if f.blocking]
    assert (finding.rule.id, finding.object) == (
        "image-digest",
        "Deployment coffee-shop/latte-00001-deployment",
    )
    assert finding.location is not None and finding.location.file == "components/latte.yaml"


def test_canary_steps_are_judged_against_the_environment(repo_root: Path) -> None:
    """prod allows steps of 50 points: 10 -> 50 passes, 50 -> 100 passes, 10 -> 100 does not."""
    project = find_project(repo_root)
    ok = check_environment(
        project,
        "prod",
        canary_steps=[CanaryStep(service="coffee-shop/coffee", previous=10, next=50)],
    )
    assert not [f for f in ok.findings if f.rule.id == "canary-max-step"]
    report = check_environment(
        project,
        "prod",
        canary_steps=[CanaryStep(service="coffee-shop/coffee", previous=10, next=100)],
    )
    [finding] = [f for f in report.findings if f.rule.id == "canary-max-step"]
    assert finding.blocking and not report.passed
    assert (finding.object, finding.field, finding.origin) == (
        "Service coffee-shop/coffee",
        "spec.traffic",
        "Service coffee-shop/coffee",
    )
    assert str(finding.location) == "components/coffee.py"
    assert "a step of 90 points; this environment allows at most 50" in finding.message
    # test sets no maximum: any step is allowed there
    free = check_environment(
        project,
        "test",
        canary_steps=[CanaryStep(service="coffee-shop/coffee", previous=0, next=100)],
    )
    assert not [f for f in free.findings if f.rule.id == "canary-max-step"]


def test_canary_steps_are_validated() -> None:
    with pytest.raises(ValueError, match="<namespace>/<name>"):
        CanaryStep(service="coffee", previous=0, next=10)
    with pytest.raises(ValueError):
        CanaryStep(service="ns/coffee", previous=0, next=110)


def test_the_pack_entry_point_only_builds_the_pack(repo_root: Path) -> None:
    """No rule is written twice: policies/__main__.py wraps knstack.policy and defines nothing."""
    tree = ast.parse((repo_root / "policies" / "__main__.py").read_text())
    defined = [
        n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)
    ]
    assert defined == []
    imports = {
        (n.module, a.name) for n in tree.body if isinstance(n, ast.ImportFrom) for a in n.names
    }
    assert ("knstack.policy.crossguard", "crossguard_policies") in imports
    calls = [
        n.func.id
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
    ]
    assert calls.count("PolicyPack") == 1
