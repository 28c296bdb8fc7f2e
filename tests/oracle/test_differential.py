"""Knative's own Go code as the judge (issue 13): knstack's accept/reject must equal Knative's
(tools/knative-oracle, knative.dev/serving at the Knative version knstack targets) on every
corpus sample, every bad-input case of the test suite and generated cases; every remaining
difference is listed, with its reason, in known_differences.yaml."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings

from tests.conftest import CORPUS
from tests.core.bad_input_cases import CASES as BAD_INPUT_CASES
from tests.core.bad_input_cases import WARNING_CASES
from tests.oracle.agreement import (
    Outcome,
    describe,
    judge_all,
    load_known_differences,
    unexplained,
)
from tests.oracle.generator import Case, cases, sample_cases
from tests.oracle.judges import find_oracle, write_config

# CI-sized; bench/oracle_agreement.py runs 5,000.
GENERATED = 1500


@pytest.fixture(scope="module")
def oracle() -> Path:
    found = find_oracle()
    if found is None:
        pytest.fail("knative-oracle is not built (scripts/bootstrap-tools.sh tests)")
    return found


@pytest.fixture(scope="module")
def config_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_config(tmp_path_factory.mktemp("oracle") / "config.json")


def corpus_cases() -> list[Case]:
    cases = []
    for sample in sorted(CORPUS.glob("*.yaml")):
        docs = [d for d in yaml.safe_load_all(sample.read_text(encoding="utf-8")) if d]
        for index, doc in enumerate(docs):
            cases.append(Case(f"corpus:{sample.stem}:{index}", (), doc))
    return cases


def bad_input_cases() -> list[Case]:
    """The test suite's own cases: refused inputs and those admitted with a warning."""
    cases = []
    for case in [*BAD_INPUT_CASES, *WARNING_CASES]:
        try:
            docs = [d for d in yaml.safe_load_all(case.yaml) if d]
        except yaml.YAMLError:
            continue  # YAML syntax errors never reach Knative's webhook
        for index, doc in enumerate(docs):
            if isinstance(doc, dict) and doc.get("apiVersion") == "serving.knative.dev/v1":
                cases.append(Case(f"bad-input:{case.id}:{index}", (), doc))
    return cases


@pytest.fixture(scope="module")
def outcomes(oracle: Path, config_file: Path) -> list[Outcome]:
    cases = corpus_cases() + bad_input_cases() + sample_cases(GENERATED)
    return judge_all(cases, oracle, config_file)


def test_the_oracle_judges_every_case(outcomes: list[Outcome]) -> None:
    assert len(outcomes) > GENERATED + 30
    # The judge is not trivial: it accepts some cases and rejects others.
    assert any(o.knative.accepted for o in outcomes)
    assert any(not o.knative.accepted for o in outcomes)


def test_every_corpus_sample_is_judged_alike(outcomes: list[Outcome]) -> None:
    corpus = [o for o in outcomes if o.case.id.startswith("corpus:")]
    assert len(corpus) >= 30
    # Both refuse the samples whose image is still a docs placeholder ({username}, <image>)
    # and admit the rest (tests/core/test_corpus.py renders them filled in).
    assert [describe(o) for o in corpus if not o.agree] == []
    assert any(o.knstack.accepted for o in corpus) and not all(o.knstack.accepted for o in corpus)


def test_every_bad_input_case_is_judged_alike(outcomes: list[Outcome]) -> None:
    known = load_known_differences()
    bad = [o for o in outcomes if o.case.id.startswith("bad-input:")]
    assert bad
    assert [describe(o) for o in unexplained(bad, known)] == []


def test_accept_reject_agrees_on_generated_cases(outcomes: list[Outcome]) -> None:
    known = load_known_differences()
    assert [describe(o) for o in unexplained(outcomes, known)] == []


def test_every_known_difference_still_happens(outcomes: list[Outcome]) -> None:
    """The file cannot go stale: an entry no case needs any more must be removed."""
    stale = [k.id for k in load_known_differences() if not any(k.explains(o) for o in outcomes)]
    assert stale == []


@settings(max_examples=40, derandomize=True, database=None, deadline=None)
@given(case=cases())
def test_hypothesis_generated_cases_agree(case: Case) -> None:
    """Property form of the same check; shrinks a disagreement to its fewest mutations."""
    oracle = find_oracle()
    assert oracle is not None, "knative-oracle is not built (scripts/bootstrap-tools.sh tests)"
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = judge_all([case], oracle, write_config(Path(tmp) / "config.json"))
    assert [describe(o) for o in unexplained(outcomes, load_known_differences())] == []
