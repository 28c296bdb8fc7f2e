"""The committed JSON Schemas of knstack's inputs: current, valid, and in step with the models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from knstack.api.loader import read_yaml_documents
from knstack.cli import main
from knstack.errors import InputError
from knstack.stack.loader import parse_settings
from knstack.validate.input_schemas import GENERATORS, generate, stale_schemas

MODELINE = "# yaml-language-server: $schema="


def load_schema(repo_root: Path, name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads((repo_root / "schemas" / name).read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_committed_schemas_match_the_models(repo_root: Path) -> None:
    stale = stale_schemas(repo_root / "schemas")
    assert stale == [], (
        f"run `knstack schema --write` and commit schemas/ ({', '.join(stale)} out of date)"
    )


def test_schema_check_command_fails_when_stale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--check", "--dir", str(tmp_path)]) == 1
    assert "stack.schema.json is missing or out of date" in capsys.readouterr().out
    assert main(["schema", "--write", "--dir", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(GENERATORS)
    assert main(["schema", "--check", "--dir", str(tmp_path)]) == 0
    (tmp_path / "ledger.schema.json").write_text("{}")
    assert main(["schema", "--check", "--dir", str(tmp_path)]) == 1


def test_generation_is_deterministic() -> None:
    assert generate() == generate()


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_schemas_are_valid_draft_2020_12(repo_root: Path, name: str) -> None:
    load_schema(repo_root, name)


def stack_config(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text())


def test_example_stack_files_validate_and_carry_the_modeline(repo_root: Path) -> None:
    validator = load_schema(repo_root, "stack.schema.json")
    files = sorted((repo_root / "stacks").glob("Pulumi.*.yaml"))
    assert len(files) >= 3
    for path in files:
        errors = [e.message for e in validator.iter_errors(stack_config(path))]
        assert errors == [], path.name
        first = path.read_text().splitlines()[0]
        assert first == f"{MODELINE}../schemas/stack.schema.json", path.name
        assert (path.parent / first.removeprefix(MODELINE)).resolve().is_file()


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ({"knstack:domian": "x.example.com"}, "knstack:domian"),
        ({"knstack:backend": "lambda"}, "lambda"),
        ({"knstack:gateway": {"name": "public", "sectionname": "https"}}, "sectionname"),
        (
            {
                "knstack:knative": {
                    "config": {"features": {"kubernetes.podspec-afinity": "enabled"}}
                }
            },
            "kubernetes.podspec-afinity",
        ),
        (
            {"knstack:knative": {"config": {"features": {"kubernetes.podspec-affinity": "on"}}}},
            "on",
        ),
        ({"knstack:clusters": [{"context": "c"}]}, "name"),
        ({"knstack:retention": {"releases": 0}}, "minimum of 1"),
        ({"knstack:retention": {"days": 2}}, "days"),
        (
            {
                "knstack:releases": {
                    "coffee": {
                        "stable": "coffee-00002",
                        "retained": [{"revision": "coffee-00001", "until": 1}],
                    }
                }
            },
            "until",
        ),
    ],
)
def test_schema_and_model_reject_the_same_mistakes(
    repo_root: Path, config: dict[str, Any], fragment: str
) -> None:
    validator = load_schema(repo_root, "stack.schema.json")
    assert any(fragment in e.message for e in validator.iter_errors({"config": config}))
    with pytest.raises(InputError) as caught:
        parse_settings(config, "stacks/Pulumi.test.yaml", "test")
    problem = caught.value.problems[0]
    assert problem.file == "stacks/Pulumi.test.yaml" and problem.obj == "stack test"
    assert problem.field is not None and problem.field.startswith('config."knstack:')


def test_other_config_namespaces_are_left_to_pulumi(repo_root: Path) -> None:
    validator = load_schema(repo_root, "stack.schema.json")
    document = {
        "config": {
            "kubernetes:context": "c",
            "aws:region": "eu-west-1",
            "knstack:namespace": "shop",
        },
        "secretsprovider": "passphrase",
    }
    assert list(validator.iter_errors(document)) == []


def test_a_stack_file_typo_stops_validate_before_rendering(
    example_project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = example_project / "stacks/Pulumi.test.yaml"
    stack.write_text(stack.read_text().replace("knstack:domain:", "knstack:domian:"))
    assert main(["validate", "--stack", "test", "-C", str(example_project)]) == 2
    err = capsys.readouterr().err
    assert (
        f'{stack}: stack test: field config."knstack:domian": unknown setting (check the spelling)'
        in err
    )


def test_knative_objects_validate(repo_root: Path, corpus_files: list[Path]) -> None:
    validator = load_schema(repo_root, "knative.schema.json")
    files = [*corpus_files, *sorted((repo_root / "components").rglob("*.yaml"))]
    for path in files:
        for doc, line in read_yaml_documents(path.read_text(), str(path)):
            errors = [
                f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
                for e in validator.iter_errors(doc)
            ]
            assert errors == [], f"{path.name}:{line}"


def test_knative_schema_flags_typos_and_needs_kind(repo_root: Path) -> None:
    validator = load_schema(repo_root, "knative.schema.json")
    service = {
        "apiVersion": "serving.knative.dev/v1",
        "kind": "Service",
        "metadata": {"name": "a"},
        "spec": {"template": {"spec": {"containers": [{"image": "x"}]}}},
    }
    assert validator.is_valid(service)
    typo = json.loads(json.dumps(service))
    typo["spec"]["template"]["spec"]["containers"][0]["imagee"] = "x"
    assert not validator.is_valid(typo)
    assert not validator.is_valid({k: v for k, v in service.items() if k != "kind"})


def test_ledgers_validate(repo_root: Path) -> None:
    validator = load_schema(repo_root, "ledger.schema.json")
    for path in sorted((repo_root / "stacks").glob("*.ledger.yaml")):
        assert list(validator.iter_errors(yaml.safe_load(path.read_text()))) == [], path.name
    assert not validator.is_valid(
        {
            "apiVersion": "knstack.dev/v1alpha1",
            "kind": "RevisionLedger",
            "environment": "t",
            "extra": 1,
        }
    )
