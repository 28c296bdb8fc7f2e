"""Bad input: each case gets a message naming the file, the object and the field, exit 2,
and nothing written (tried as a new user would, with `knstack render -f FILE --out DIR`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knstack.cli import main
from tests.core.bad_input_cases import CASES, WARNING_CASES, Case, service


def _render(case: Case, tmp_path: Path) -> tuple[int, Path, Path]:
    """`knstack render -f` of the case's YAML: (exit code, the source file, the output dir)."""
    source = tmp_path / f"{case.id}.yaml"
    source.write_text(case.yaml, encoding="utf-8")
    out = tmp_path / "out"
    return main(["render", "-f", str(source), "--out", str(out)]), source, out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_reported_precisely_and_nothing_is_written(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, source, out = _render(case, tmp_path)

    err = capsys.readouterr().err
    assert code == 2, err
    assert str(source) in err
    assert case.obj in err
    assert f"field {case.field}:" in err
    assert case.message in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize("case", WARNING_CASES, ids=[c.id for c in WARNING_CASES])
def test_what_knative_admits_renders_with_a_warning_and_fails_the_policy_check(
    case: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Knative's webhook admits these (tests/oracle agrees), so knstack renders them; the
    warning names file, object and field, and `knstack check` fails on rule serving-warnings."""
    code, source, out = _render(case, tmp_path)

    err = capsys.readouterr().err
    assert code == 0, err
    assert "warning:" in err
    assert str(source) in err and case.obj in err
    assert f"field {case.field}:" in err
    assert case.message in err
    assert out.is_dir()

    code = main(["check", "-f", str(source), "--format", "json"])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    findings = json.loads(captured.out)["findings"]
    ours = [f for f in findings if f["rule"] == "serving-warnings"]
    assert [f["field"] for f in ours] == [case.field]
    assert case.message in ours[0]["message"]


def test_there_are_at_least_forty_distinct_bad_inputs() -> None:
    assert len({c.id for c in CASES}) == len(CASES) >= 40


YAML_CASES = [
    ("duplicate-key", service() + "  traffic: []\n  traffic: []\n", "duplicate key 'traffic'"),
    ("syntax", "apiVersion: [serving\n", "invalid YAML"),
    ("not-a-mapping", "- just\n- a list\n", "expected a Kubernetes object"),
]


@pytest.mark.parametrize(("name", "text", "message"), YAML_CASES, ids=[c[0] for c in YAML_CASES])
def test_broken_yaml_names_the_file_and_line(
    name: str, text: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / f"{name}.yaml"
    source.write_text(text, encoding="utf-8")
    code = main(["render", "-f", str(source), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{source}:" in err  # file and line
    assert message in err
    assert not (tmp_path / "out").exists()


def test_all_problems_of_a_file_are_reported_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "many.yaml"
    source.write_text(
        service(spec="      containerConcurrency: 1001\n      timeoutSeconds: 900\n"),
        encoding="utf-8",
    )
    assert main(["render", "-f", str(source)]) == 2
    err = capsys.readouterr().err
    assert "containerConcurrency" in err and "timeoutSeconds" in err
    assert "2 problems found" in err


def test_missing_file_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "-f", str(tmp_path / "nope.yaml")]) == 2
    assert "file not found" in capsys.readouterr().err
