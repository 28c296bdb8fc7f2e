"""The CrossGuard pack (policies/) under the real engine: `pulumi preview --policy-pack
policies` passes the example stacks and fails a stack that breaks a mandatory rule, finding
what `knstack check` finds (the same rules, run by Pulumi)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knstack.cli import main as knstack_main
from knstack.policy.registry import all_rules
from tests.e2e.pulumi_cli import REPO, PulumiCli, Result

pytestmark = pytest.mark.e2e

BAD_SHOP = REPO / "tests" / "policy" / "data" / "bad-shop.yaml"
Finding = tuple[str, str, str]  # (rule, object, field)


def policy_preview(pulumi: PulumiCli, env: str, tmp_path: Path, *, stream: bool = True) -> Result:
    """`pulumi preview --policy-pack policies`, rendering (no cluster), as engine events."""
    extra = {"KNSTACK_RENDER_DIR": str(tmp_path / "rendered")}
    args = ["preview", "--stack", env, "--policy-pack", "policies"]
    if stream:
        extra["PULUMI_ENABLE_STREAMING_JSON_PREVIEW"] = "1"
        args.append("--json")
    return pulumi.run(*args, check=False, env=extra)


def violations(result: Result, level: str) -> set[Finding]:
    """(rule, object, field) of each policy violation at `level`.

    The pack reports "<title>\\n<Kind ns/name>: field <path>: <message>. Fix: ..."."""
    found = set()
    for event in result.events():
        policy = event.get("policyEvent")
        if policy and policy["enforcementLevel"] == level:
            detail = policy["message"].splitlines()[1]
            obj, _, rest = detail.partition(": field ")
            found.add((policy["policyName"], obj, rest.split(": ", 1)[0]))
    return found


def check_findings(
    project: Path, env: str, capsys: pytest.CaptureFixture[str], scopes: set[str]
) -> set[Finding]:
    """Mandatory, unwaived findings of `knstack check` from rules CrossGuard can see."""
    capsys.readouterr()
    knstack_main(["check", "--stack", env, "-C", str(project), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    visible = {rule.id for rule in all_rules() if rule.scope in scopes}
    return {
        (f["rule"], f["object"], f["field"])
        for f in report["findings"]
        if f["level"] == "mandatory" and not f["waived"] and f["rule"] in visible
    }


@pytest.mark.parametrize("env", ["test", "staging", "prod"])
def test_the_example_stacks_pass_the_pack(pulumi: PulumiCli, tmp_path: Path, env: str) -> None:
    pulumi.run("stack", "init", env)
    result = policy_preview(pulumi, env, tmp_path)
    assert result.code == 0, result.output[-4000:]
    assert any("policyLoadEvent" in e for e in result.events())
    assert violations(result, "mandatory") == set()
    # the pack really judged the objects: the advisory rules have things to say
    assert {rule for rule, _, _ in violations(result, "advisory")} >= {"read-only-root-filesystem"}


def test_a_stack_that_breaks_mandatory_rules_fails_and_names_them(
    pulumi: PulumiCli, pulumi_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # espresso, the first object of the policy tests' bad variant (the second one clashes
    # with espresso's tag route on purpose, which render and the program refuse outright)
    espresso = BAD_SHOP.read_text(encoding="utf-8").split("\n---\n")[0]
    assert "name: espresso" in espresso and ":latest" in espresso
    (pulumi_project / "components" / "espresso.yaml").write_text(espresso, encoding="utf-8")
    # test records new templates; the program deploys only what its ledger records
    out = tmp_path / "out"
    assert (
        knstack_main(["render", "--stack", "test", "-C", str(pulumi_project), "--out", str(out)])
        == 0
    )
    pulumi.run("stack", "init", "test")

    shown = policy_preview(pulumi, "test", tmp_path, stream=False)
    assert shown.code != 0
    assert "[mandatory]" in shown.output and "image-no-latest" in shown.output

    result = policy_preview(pulumi, "test", tmp_path)
    assert result.code != 0
    found = violations(result, "mandatory")
    assert (
        "image-no-latest",
        "Deployment coffee-shop/espresso-00001-deployment",
        "spec.template.spec.containers[0].image",
    ) in found
    # the very findings `knstack check` reports, for every rule that looks at manifests
    assert found == check_findings(pulumi_project, "test", capsys, {"manifests"})


def test_the_pack_and_knstack_check_agree_on_the_knative_backend(
    pulumi: PulumiCli, pulumi_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """lab (Knative CRs plus the control plane): CrossGuard sees Knative objects too."""
    pulumi.run("stack", "init", "lab")
    result = policy_preview(pulumi, "lab", tmp_path)
    expected = check_findings(pulumi_project, "lab", capsys, {"manifests", "knative"})
    assert violations(result, "mandatory") == expected
    assert (result.code == 0) == (not expected)
