"""Waivers: declared on a Knative object with a reason, carried to what it renders, listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from knstack.api.loader import load_text
from knstack.build import build_files
from knstack.errors import InputError
from knstack.policy import check_files

SERVICE = """\
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: mocha
  namespace: cafe
{object_annotations}spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/class: hpa.autoscaling.knative.dev
        autoscaling.knative.dev/metric: cpu
        autoscaling.knative.dev/min-scale: "2"
        autoscaling.knative.dev/max-scale: "4"
{template_annotations}    spec:
      containers:
        - image: registry.example.com/cafe/mocha:1.0.0
"""
WAIVER = "knstack.dev/waive.image-no-latest"
REASON = "pinned by the release pipeline before promotion"


def service(
    object_annotations: dict[str, str] | None = None,
    template_annotations: dict[str, str] | None = None,
) -> str:
    obj = "".join(f'    {k}: "{v}"\n' for k, v in (object_annotations or {}).items())
    tpl = "".join(f'        {k}: "{v}"\n' for k, v in (template_annotations or {}).items())
    return SERVICE.format(
        object_annotations=f"  annotations:\n{obj}" if obj else "",
        template_annotations=tpl,
    )


def test_a_waiver_with_a_reason_is_accepted_on_the_object() -> None:
    [loaded] = load_text(service({WAIVER: REASON}), "mocha.yaml")
    assert loaded.obj.metadata.annotations == {WAIVER: REASON}


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (
            service({WAIVER: "because"}),
            f'metadata.annotations["{WAIVER}"]',
            "a waiver must say why",
        ),
        (service({WAIVER: "   "}), f'metadata.annotations["{WAIVER}"]', "a waiver must say why"),
        (
            service({"knstack.dev/waive.Image_Latest": REASON}),
            'metadata.annotations["knstack.dev/waive.Image_Latest"]',
            "is not a rule id",
        ),
        (
            service(template_annotations={WAIVER: REASON}),
            f'spec.template.metadata.annotations["{WAIVER}"]',
            "waivers go on the object's metadata.annotations",
        ),
    ],
)
def test_bad_waivers_are_rejected_where_they_are(text: str, field: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        load_text(text, "mocha.yaml")
    [problem] = raised.value.problems
    assert (problem.file, problem.obj, problem.field) == (
        "mocha.yaml:1",
        "Service cafe/mocha",
        field,
    )
    assert message in problem.message


def test_rendered_objects_carry_the_waivers_of_their_service(tmp_path: Path) -> None:
    source = tmp_path / "mocha.yaml"
    source.write_text(service({WAIVER: REASON}))
    manifests = build_files([source]).clusters[0].manifests
    by_kind = {m["kind"]: m for m in manifests if m["metadata"]["name"].startswith("mocha-00001")}
    assert set(by_kind) == {
        "Deployment",
        "Service",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
    }
    for manifest in by_kind.values():
        assert manifest["metadata"]["annotations"][WAIVER] == REASON
    # not on the pod template: adding a waiver must not restart pods
    assert WAIVER not in by_kind["Deployment"]["spec"]["template"]["metadata"].get(
        "annotations", {}
    )
    route = next(m for m in manifests if m["kind"] == "HTTPRoute")
    assert route["metadata"]["annotations"][WAIVER] == REASON


def test_a_waiver_does_not_mint_a_revision(tmp_path: Path) -> None:
    plain, waived = tmp_path / "plain.yaml", tmp_path / "waived.yaml"
    plain.write_text(service())
    waived.write_text(service({WAIVER: REASON}))
    [before] = build_files([plain]).ledger.entries("cafe/mocha")
    [after] = build_files([waived]).ledger.entries("cafe/mocha")
    assert (before.name, before.digest) == (after.name, after.digest)


def test_reports_list_every_waiver_and_what_it_waived(tmp_path: Path) -> None:
    source = tmp_path / "mocha.yaml"
    text = service(
        {WAIVER: REASON, "knstack.dev/waive.no-such-rule": "left over from an older rule set"}
    )
    source.write_text(text.replace("mocha:1.0.0", "mocha:latest"))
    report = check_files([source])
    waived = [f for f in report.findings if f.waiver is not None]
    assert [(f.rule.id, f.object, f.waiver) for f in waived] == [
        ("image-no-latest", "Deployment cafe/mocha-00001-deployment", REASON)
    ]
    assert not waived[0].blocking
    entries = [(w.rule_id, w.object, w.known, w.waived, str(w.location)) for w in report.waivers]
    assert entries == [
        ("image-no-latest", "Service cafe/mocha", True, 1, f"{source}:1"),
        ("no-such-rule", "Service cafe/mocha", False, 0, f"{source}:1"),
    ]
