"""Policy waivers: `knstack.dev/waive.<rule-id>: "<reason>"` on an object's own metadata.

A waiver is a review decision about the object (Service, Configuration or Route), not part
of a revision, so adding one never mints a new revision; it covers every object knstack
derives from the annotated one. The reason is read by reviewers and listed in reports.
"""

from __future__ import annotations

import re

from knstack.api.autoscaling import annotation_field
from knstack.errors import Problem

WAIVE_PREFIX = "knstack.dev/waive."
# A reason is a sentence, not a token.
MIN_REASON_LENGTH = 10
_RULE_ID = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def waiver_key(rule_id: str) -> str:
    return WAIVE_PREFIX + rule_id


def waivers(annotations: dict[str, str] | None) -> dict[str, str]:
    """Rule id -> reason for every waiver annotation (well-formed or not), sorted by rule id."""
    found = {
        key[len(WAIVE_PREFIX) :]: value
        for key, value in (annotations or {}).items()
        if key.startswith(WAIVE_PREFIX)
    }
    return {rule: found[rule] for rule in sorted(found)}


def waiver_annotations(annotations: dict[str, str] | None) -> dict[str, str]:
    """Only the waiver annotations, as they are to be carried to derived objects."""
    return {waiver_key(rule): reason for rule, reason in waivers(annotations).items()}


def validate_waivers(annotations: dict[str, str], base: str) -> list[Problem]:
    """A waiver names a rule id and gives a reason (which rules exist is the policy's concern)."""
    problems: list[Problem] = []
    for rule, reason in waivers(annotations).items():
        where = f"{base}.{annotation_field(waiver_key(rule))}"
        if not _RULE_ID.match(rule):
            message = f"{rule!r} is not a rule id (lower-case letters, digits and '-')"
            problems.append(Problem(message, field=where))
        elif len(reason.strip()) < MIN_REASON_LENGTH:
            problems.append(
                Problem(
                    f"a waiver must say why the rule does not apply: give the reason as the value "
                    f"(at least {MIN_REASON_LENGTH} characters; got {reason!r})",
                    field=where,
                )
            )
    return problems
