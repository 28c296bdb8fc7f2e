"""Every rule passes its passing objects and fails its failing ones, in both paths.

Check path: the rule as `knstack check` evaluates it. CrossGuard path: the rule's policy
from the pack, its `validate` called with arguments built as Pulumi's analyzer builds them.
Both must report the same violations.
"""

from __future__ import annotations

import pytest
from policy_cases import CASES, Case
from policy_harness import check_path, crossguard_path

from knstack.policy import all_rules, get_rule
from knstack.policy.crossguard import violation_message
from knstack.vocabulary import ref

IDS = [case.rule for case in CASES]


def test_every_rule_has_a_case() -> None:
    assert sorted(IDS) == sorted(rule.id for rule in all_rules())
    assert len(IDS) == len(set(IDS))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_check_path_passes_the_passing_objects(case: Case, example) -> None:
    objects = case.passing(example)
    assert objects, "a passing case needs objects the rule applies to"
    rule = get_rule(case.rule)
    if rule.scope != "release":  # release rules judge canary steps, not objects
        assert any(rule.applies_to(o) for o in objects)
    assert check_path(case.rule, objects, case.setup) == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_check_path_fails_the_failing_objects(case: Case, example) -> None:
    judgements = check_path(case.rule, case.failing(example), case.failing_setup or case.setup)
    found = sorted(
        (ref(j.violation.subject), j.violation.field, j.violation.message) for j in judgements
    )
    assert len(found) == len(case.expected), found
    for (obj, field, message), (want_obj, want_field, fragment) in zip(
        found, sorted(case.expected), strict=True
    ):
        assert (obj, field) == (want_obj, want_field)
        assert fragment in message
    assert all(j.level == get_rule(case.rule).severity and not j.waived for j in judgements)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_crossguard_path_passes_the_passing_objects(case: Case, example) -> None:
    assert crossguard_path(case.rule, case.passing(example), case.setup) == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_crossguard_path_reports_what_the_check_path_finds(case: Case, example) -> None:
    setup = case.failing_setup or case.setup
    objects = case.failing(example)
    rule = get_rule(case.rule)
    expected = sorted(
        violation_message(j.violation, rule) for j in check_path(case.rule, objects, setup)
    )
    reported = crossguard_path(case.rule, objects, setup)
    assert sorted(message for message, _ in reported) == expected
    assert len(reported) == len(case.expected)
    for message, urn in reported:
        assert "Fix: " in message
        if not rule.per_object and rule.scope == "manifests":
            # stack policies point at the offending resource
            assert urn is not None and urn.startswith("urn:pulumi:prod::coffee-shop::kubernetes:")
