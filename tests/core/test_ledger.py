"""The revision ledger: append on change, reuse when unchanged, never rewrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from knstack.api import Container, RevisionSpec, RevisionTemplateSpec
from knstack.api.loader import load_text
from knstack.build import build_environment
from knstack.cli import main
from knstack.errors import InputError
from knstack.ledger import (
    RevisionLedger,
    import_entry,
    load_ledger,
    record_template,
    save_ledger,
    template_digest,
)
from knstack.resolve import resolve
from knstack.stack import read_project


def template(image: str, name: str | None = None) -> RevisionTemplateSpec:
    spec = RevisionTemplateSpec(spec=RevisionSpec(containers=[Container(image=image)]))
    spec.metadata.name = name
    return spec


def test_changed_template_appends_the_next_generation_and_unchanged_reuses() -> None:
    ledger = RevisionLedger(environment="test")
    first = record_template(ledger, "ns/web", "web", template("web:1"))
    assert first.appended and first.entry.name == "web-00001" and first.entry.generation == 1
    again = record_template(first.ledger, "ns/web", "web", template("web:1"))
    assert not again.appended and again.entry == first.entry
    second = record_template(again.ledger, "ns/web", "web", template("web:2"))
    assert second.appended and second.entry.name == "web-00002"
    assert [e.name for e in second.ledger.entries("ns/web")] == ["web-00001", "web-00002"]
    # The earlier ledger object is untouched: recording is pure.
    assert [e.name for e in first.ledger.entries("ns/web")] == ["web-00001"]


def test_reverting_to_an_old_template_creates_a_new_revision_as_knative_does() -> None:
    ledger = RevisionLedger(environment="test")
    for image in ("web:1", "web:2", "web:1"):
        ledger = record_template(ledger, "ns/web", "web", template(image)).ledger
    names = [e.name for e in ledger.entries("ns/web")]
    assert names == ["web-00001", "web-00002", "web-00003"]
    assert ledger.entries("ns/web")[0].digest == ledger.entries("ns/web")[2].digest


def test_byo_name_must_change_with_the_template() -> None:
    ledger = record_template(
        RevisionLedger(environment="t"), "ns/web", "web", template("web:1", "web-blue")
    ).ledger
    with pytest.raises(InputError, match="already used by generation 1"):
        record_template(ledger, "ns/web", "web", template("web:2", "web-blue"))


def test_next_generation_follows_the_highest_even_after_imports() -> None:
    source = RevisionLedger(environment="test")
    for image in ("web:1", "web:2", "web:3"):
        source = record_template(source, "ns/web", "web", template(image)).ledger
    target = import_entry(RevisionLedger(environment="prod"), "ns/web", source.entries("ns/web")[2])
    assert [e.name for e in target.entries("ns/web")] == ["web-00003"]
    recorded = record_template(target, "ns/web", "web", template("web:4"))
    assert recorded.entry.name == "web-00004"


def test_import_refuses_a_different_template_under_the_same_name() -> None:
    a = record_template(RevisionLedger(environment="a"), "ns/web", "web", template("web:1")).ledger
    b = record_template(
        RevisionLedger(environment="b"), "ns/web", "web", template("web:other")
    ).ledger
    with pytest.raises(InputError, match="never rewritten"):
        import_entry(b, "ns/web", a.entries("ns/web")[0])


def test_digest_is_the_same_from_python_and_from_yaml() -> None:
    loaded = load_text(
        "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: web}\n"
        "spec:\n  template:\n    spec:\n      containers: [{image: 'web:1'}]\n",
        "web.yaml",
    )
    assert template_digest(loaded[0].obj.spec.template) == template_digest(template("web:1"))


def test_ledger_file_round_trips_and_is_written_atomically(tmp_path: Path) -> None:
    ledger = record_template(
        RevisionLedger(environment="staging"), "ns/web", "web", template("web:1")
    ).ledger
    path = tmp_path / "staging.ledger.yaml"
    save_ledger(path, ledger)
    assert load_ledger(path, "staging") == ledger
    assert list(tmp_path.iterdir()) == [path]  # no temporary files left behind
    with pytest.raises(InputError, match="belongs to environment 'staging'"):
        load_ledger(path, "prod")


def test_multi_document_history_names_revisions_in_order(corpus_files: list[Path]) -> None:
    [sample] = [p for p in corpus_files if p.stem == "serving__tag-header-based-routing__sample"]
    objects = load_text(sample.read_text(), str(sample))
    result = resolve(objects, RevisionLedger(environment="files"), default_namespace="default")
    entries = result.ledger.entries("default/tag-header")
    assert [(e.name, e.generation) for e in entries] == [
        ("tag-header-revision-1", 1),
        ("tag-header-revision-2", 2),
    ]
    (route,) = result.plan.routes
    assert route.weighted_revisions() == [("tag-header-revision-2", 100)]
    assert route.tags() == [("rev1", "tag-header-revision-1")]


def test_render_appends_new_revisions_to_the_stack_ledger_and_keeps_old_entries(
    example_project: Path,
) -> None:
    ledger_file = example_project / "stacks/test.ledger.yaml"
    before = load_ledger(ledger_file, "test")
    coffee = example_project / "components/coffee.py"
    coffee.write_text(coffee.read_text().replace('value="light"', 'value="medium"'))

    assert main(["render", "--stack", "test", "-C", str(example_project), "--locked"]) == 1
    assert load_ledger(ledger_file, "test") == before  # --locked changed nothing

    assert main(["render", "--stack", "test", "-C", str(example_project)]) == 0
    after = load_ledger(ledger_file, "test")
    old = before.entries("coffee-shop/coffee")
    new = after.entries("coffee-shop/coffee")
    assert new[: len(old)] == old
    assert new[-1].name == f"coffee-{len(old) + 1:05d}"
    # The candidate tag now follows the new revision; the stable one stays pinned.
    build = build_environment(read_project(example_project), "test")
    route = next(r for r in build.plan.routes if r.name == "coffee")
    assert route.weighted_revisions() == [("coffee-00001", 70), (new[-1].name, 30)]


def test_traffic_to_a_revision_missing_from_the_ledger_is_refused(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    coffee = example_project / "components/coffee.py"
    coffee.write_text(
        coffee.read_text().replace('revision_name="coffee-00001"', 'revision_name="coffee-00007"')
    )
    ledger_before = (example_project / "stacks/test.ledger.yaml").read_bytes()
    assert main(["render", "--stack", "test", "-C", str(example_project)]) == 2
    err = capsys.readouterr().err
    assert "components/coffee.py" in err
    assert "Service coffee-shop/coffee" in err
    assert "field spec.traffic[0].revisionName" in err
    assert (
        "'coffee-00007' is not in the revision ledger of Service coffee (known: coffee-00001" in err
    )
    assert not (example_project / "out").exists()
    assert (example_project / "stacks/test.ledger.yaml").read_bytes() == ledger_before
