"""`knstack check`: the example passes, a deliberately bad variant fails as expected, and every
report format says so in a form its consumer accepts (SARIF against the 2.1.0 schema)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from knstack.cli import main
from knstack.policy import all_rules, check_files

DATA = Path(__file__).parent / "data"
BAD = DATA / "bad-shop.yaml"
KNSTACK = Path(sys.executable).parent / "knstack"
REASON = "espresso is a one-shot brewer; a hung brew is caught by its 30s request timeout"

# What the bad variant breaks, by construction (see the comments in data/bad-shop.yaml).
BAD_MANDATORY = {
    (
        "image-no-latest",
        "Deployment coffee-shop/espresso-00001-deployment",
        "spec.template.spec.containers[0].image",
    ),
    (
        "resources-requests-limits",
        "Deployment coffee-shop/espresso-00001-deployment",
        "spec.template.spec.containers[0].resources",
    ),
    (
        "probes-readiness",
        "Deployment coffee-shop/espresso-00001-deployment",
        "spec.template.spec.containers[0].readinessProbe",
    ),
    (
        "pod-security-restricted",
        "Deployment coffee-shop/espresso-00001-deployment",
        "spec.template.spec.containers[0].securityContext.runAsUser",
    ),
    (
        "pod-security-restricted",
        "Deployment coffee-shop/espresso-00001-deployment",
        "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation",
    ),
    (
        "env-secret-literal",
        "Deployment coffee-shop/espresso-00001-deployment",
        "spec.template.spec.containers[0].env[0].value",
    ),
    (
        "max-scale-set",
        "Revision coffee-shop/espresso-00001",
        'metadata.annotations["autoscaling.knative.dev/max-scale"]',
    ),
}
# The example's only findings are advisory, and true: no container of the example sets
# readOnlyRootFilesystem, and orders has no liveness probe. Which Deployments an
# environment renders depends on its release state (prod has not got coffee-00002 yet)
# and on its clusters (prod-us adds menu's reserved pod).
EXAMPLE_DEPLOYMENTS = {
    "test": {
        "coffee-00001",
        "coffee-00002",
        "tea-00001",
        "orders-00001",
        "menu-00001",
        "pastry-00001",
    },
    "staging": {
        "coffee-00001",
        "coffee-00002",
        "tea-00001",
        "orders-00001",
        "menu-00001",
        "pastry-00001",
    },
    "prod": {"coffee-00001", "tea-00001", "orders-00001", "menu-00001", "pastry-00001"},
}


def record_in_prod(project: Path) -> None:
    """Let prod record new components itself instead of waiting for a promotion."""
    stack = project / "stacks" / "Pulumi.prod.yaml"
    stack.write_text(stack.read_text().replace("  knstack:promotion:\n    from: staging\n", ""))


def example_advisory(env: str) -> set[tuple[str, str]]:
    deployments = {f"Deployment coffee-shop/{rev}-deployment" for rev in EXAMPLE_DEPLOYMENTS[env]}
    if env == "prod":
        deployments.add("Deployment coffee-shop/menu-00001-reserved")
    findings = {("read-only-root-filesystem", d) for d in deployments}
    return findings | {("probes-liveness", "Deployment coffee-shop/orders-00001-deployment")}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command, as CI runs it."""
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run(
        [str(KNSTACK), *args], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )


def json_report(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["check", *args, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("env", ["test", "staging", "prod"])
def test_example_stacks_pass(env: str, repo_root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = json_report(capsys, "--stack", env, "-C", str(repo_root))
    assert code == 0
    assert report["passed"] is True
    assert report["summary"]["mandatory"] == 0
    assert {(f["rule"], f["object"]) for f in report["findings"]} == example_advisory(env)
    assert all(f["level"] == "advisory" for f in report["findings"])


def test_example_prod_is_checked_on_both_clusters(
    repo_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, report = json_report(capsys, "--stack", "prod", "-C", str(repo_root))
    assert report["clusters"] == ["prod-eu", "prod-us"]
    # Both clusters run the same revisions with the KEDA HTTP add-on (so menu's reserved
    # pod too): every finding is on both.
    assert report["findings"]
    for finding in report["findings"]:
        assert finding["clusters"] == ["prod-eu", "prod-us"]
    levels = {r["id"]: r["level"] for r in report["rules"]}
    assert levels["image-digest"] == "mandatory"  # prod requires digests (and the example has them)


def test_bad_variant_fails_with_the_expected_findings(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = json_report(capsys, "-f", str(BAD))
    assert code == 1
    assert report["passed"] is False
    mandatory = {
        (f["rule"], f["object"], f["field"])
        for f in report["findings"]
        if f["level"] == "mandatory" and not f["waived"]
    }
    assert mandatory == BAD_MANDATORY
    # the waiver on espresso is honoured and listed
    waived = [f for f in report["findings"] if f["waived"]]
    assert [(f["rule"], f["object"]) for f in waived] == [
        ("probes-liveness", "Deployment coffee-shop/espresso-00001-deployment")
    ]
    assert report["waivers"] == [
        {
            "rule": "probes-liveness",
            "object": "Service coffee-shop/espresso",
            "reason": REASON,
            "file": str(BAD),
            "line": 3,
            "knownRule": True,
            "waivedFindings": 1,
        }
    ]


def test_two_objects_with_one_identity_are_bad_input_for_check_as_for_render(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A Service named like another's tag route (canary-espresso) would make two HTTPRoutes
    canary-espresso: knstack.build refuses it for every command, check included."""
    text = BAD.read_text().replace("name: decaf", "name: canary-espresso")
    source = tmp_path / "clash.yaml"
    source.write_text(text, encoding="utf-8")
    assert main(["check", "-f", str(source)]) == 2
    err = capsys.readouterr().err
    assert "two objects would be written as HTTPRoute.gateway.networking.k8s.io" in err
    assert "coffee-shop/canary-espresso" in err
    assert main(["render", "-f", str(source)]) == 2


def test_findings_point_at_the_line_to_change(capsys: pytest.CaptureFixture[str]) -> None:
    _, report = json_report(capsys, "-f", str(BAD))
    lines = BAD.read_text().splitlines()
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert (
        lines[by_rule["image-no-latest"]["line"] - 1].strip()
        == "- image: ghcr.io/example/espresso:latest"
    )
    assert (
        lines[by_rule["env-secret-literal"]["line"] - 1].strip() == 'value: "tok-2f9a1c77e1b04c4e"'
    )
    # max-scale is missing: the finding points at the annotations it belongs in
    assert lines[by_rule["max-scale-set"]["line"] - 1].strip() == "annotations:"
    assert (
        by_rule["max-scale-set"]["originField"]
        == 'spec.template.metadata.annotations["autoscaling.knative.dev/max-scale"]'
    )


def test_sarif_validates_against_the_schema(
    shared_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["check", "-f", str(BAD), "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    assert code == 1
    schema = json.loads((shared_dir / "upstream" / "sarif" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(sarif)
    run_ = sarif["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert len(rules) == len(all_rules())
    results = run_["results"]
    errors = {
        (r["ruleId"], r["properties"]["field"])
        for r in results
        if r["level"] == "error" and "suppressions" not in r
    }
    assert errors == {(rule, field) for rule, _, field in BAD_MANDATORY}
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        physical = result["locations"][0]["physicalLocation"]
        # an absolute path was given: a file URI
        assert physical["artifactLocation"]["uri"] == BAD.as_uri()
        assert physical["region"]["startLine"] > 0
    suppressed = [r for r in results if "suppressions" in r]
    assert [s["suppressions"][0]["justification"] for s in suppressed] == [REASON]


def test_sarif_of_an_environment_uses_repository_relative_paths(
    repo_root: Path, shared_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["check", "--stack", "prod", "-C", str(repo_root), "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    schema = json.loads((shared_dir / "upstream" / "sarif" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {
        "components/coffee.py",
        "components/orders.yaml",
        "components/tea.py",
        "components/menu.yaml",
        "components/pastry.yaml",
    }
    assert sarif["runs"][0]["automationDetails"]["id"] == "knstack-check/prod/"


def test_junit_counts_mandatory_findings_as_failures(capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", "-f", str(BAD), "--format", "junit"])
    root = ET.fromstring(capsys.readouterr().out)
    assert root.tag == "testsuites"
    assert int(root.get("failures")) == len(BAD_MANDATORY)
    assert int(root.get("skipped")) == 1  # the waived finding
    failures = {
        (c.get("classname"), c.find("failure").get("type"))
        for c in root.iter("testcase")
        if c.find("failure") is not None
    }
    assert {t for _, t in failures} == {rule for rule, _, _ in BAD_MANDATORY}
    assert sum(int(s.get("tests")) for s in root.iter("testsuite")) == int(root.get("tests"))


def test_human_output_names_rules_objects_and_verdict() -> None:
    result = run("check", "-f", str(BAD))
    assert result.returncode == 1
    out = result.stdout
    assert "failed: 7 mandatory, 1 advisory finding(s), 1 waived" in out
    assert "Waivers" in out and "one-shot brewer" in out
    for rule, _, _ in BAD_MANDATORY:
        assert rule in out
    assert "Traceback" not in result.stderr


def test_the_installed_command_passes_the_example(repo_root: Path) -> None:
    result = run("check", "--stack", "prod", cwd=repo_root)
    assert result.returncode == 0, result.stdout + result.stderr
    findings = len(example_advisory("prod"))
    assert f"passed: 0 mandatory, {findings} advisory finding(s), 0 waived" in result.stdout


def test_output_file_is_written_and_reports_are_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a.sarif", tmp_path / "b.sarif"
    assert run("check", "-f", str(BAD), "--format", "sarif", "--output", str(first)).returncode == 1
    result = run("check", "-f", str(BAD), "--format", "sarif", "-o", str(second))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "report written to" in result.stderr
    assert first.read_bytes() == second.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "a.sarif",
        "b.sarif",
    ]  # no temporary files left


def test_a_deliberately_bad_component_fails_the_environment(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example stack with a bad component added: prod's own settings add their findings."""
    shutil.copy(BAD, example_project / "components" / "bad-shop.yaml")
    record_in_prod(example_project)
    code, report = json_report(capsys, "--stack", "prod", "-C", str(example_project))
    assert code == 1
    rules = {f["rule"] for f in report["findings"] if f["level"] == "mandatory" and not f["waived"]}
    # prod requires digests and registry.example.com/coffee-shop images (the variant has
    # neither), and its resource defaults fill in what the variant leaves out
    expected = {r for r, _, _ in BAD_MANDATORY} - {"resources-requests-limits"}
    assert rules == expected | {"image-digest", "image-registry"}
    files = {
        f["file"]
        for f in report["findings"]
        if f["object"].startswith(
            ("Deployment coffee-shop/espresso", "Revision coffee-shop/espresso")
        )
    }
    assert files == {"components/bad-shop.yaml"}


def test_waiving_the_last_mandatory_finding_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "svc.yaml"
    text = (DATA / "one-finding.yaml").read_text()
    source.write_text(text)
    assert main(["check", "-f", str(source)]) == 1
    source.write_text(
        text.replace(
            "  name: latte\n",
            "  name: latte\n  annotations:\n"
            '    knstack.dev/waive.image-no-latest: "latte follows the nightly roast on purpose"\n',
        )
    )
    capsys.readouterr()
    code, report = json_report(capsys, "-f", str(source))
    assert code == 0
    assert [f["rule"] for f in report["findings"] if f["waived"]] == ["image-no-latest"]


def test_rule_levels_follow_the_environment(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = example_project / "stacks" / "Pulumi.prod.yaml"
    stack.write_text(
        stack.read_text()
        + "    rules:\n"
        + "      read-only-root-filesystem: mandatory\n"
        + "      probes-liveness: disabled\n"
    )
    code, report = json_report(capsys, "--stack", "prod", "-C", str(example_project))
    assert code == 1
    assert {f["rule"] for f in report["findings"]} == {"read-only-root-filesystem"}
    assert {f["level"] for f in report["findings"]} == {"mandatory"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check"], "give either --stack ENV or -f FILE"),
        (["check", "--stack", "prod", "-f", "x.yaml"], "give either --stack ENV or -f FILE"),
        (["check", "-f", "missing.yaml"], "missing.yaml: file not found"),
        (["check", "--stack", "nowhere"], "no stack file for environment 'nowhere'"),
        (["check", "--format", "xml", "--stack", "prod"], "xml"),
    ],
)
def test_bad_input_exits_2(args: list[str], message: str, repo_root: Path) -> None:
    result = run(*args, cwd=repo_root)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_rule_in_settings_is_bad_input(example_project: Path) -> None:
    stack = example_project / "stacks" / "Pulumi.prod.yaml"
    stack.write_text(stack.read_text() + "    rules:\n      no-such-rule: advisory\n")
    result = run("check", "--stack", "prod", cwd=example_project)
    assert result.returncode == 2
    assert (
        'stacks/Pulumi.prod.yaml: stack prod: field config."knstack:policy".rules.no-such-rule: '
        "unknown rule" in result.stderr
    )


def test_waiver_without_a_reason_is_bad_input(tmp_path: Path) -> None:
    source = tmp_path / "svc.yaml"
    source.write_text(
        (DATA / "one-finding.yaml")
        .read_text()
        .replace(
            "  name: latte\n",
            '  name: latte\n  annotations:\n    knstack.dev/waive.image-no-latest: "ok"\n',
        )
    )
    result = run("check", "-f", str(source))
    assert result.returncode == 2
    assert (
        'svc.yaml:2: Service default/latte: field metadata.annotations["knstack.dev/waive.'
        'image-no-latest"]: a waiver must say why' in result.stderr
    )


def test_output_to_a_directory_is_bad_input(tmp_path: Path) -> None:
    result = run("check", "-f", str(DATA / "one-finding.yaml"), "--output", str(tmp_path))
    assert result.returncode == 2
    assert "is a directory" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_list_rules_shows_the_catalogue() -> None:
    result = run("check", "--list-rules")
    assert result.returncode == 0
    for rule in (
        "traffic-sums-to-100",
        "canary-max-step",
        "pod-security-restricted",
        "max-scale-set",
    ):
        assert rule in result.stdout


def test_every_corpus_sample_is_checked(corpus_files: list[Path]) -> None:
    """Real Knative YAML from knative/docs: checked without errors, findings traced to the file."""
    report = check_files(corpus_files)
    assert report.findings
    names = {str(p) for p in corpus_files}
    for finding in report.findings:
        assert finding.location is not None and finding.location.file in names
        assert finding.location.line is not None
    # the samples are minimal on purpose: no resources, no max-scale, moving image tags
    rules = {f.rule.id for f in report.findings if f.level == "mandatory"}
    assert {"resources-requests-limits", "max-scale-set", "image-no-latest"} <= rules
