"""knstack's own annotations (`knstack.dev/*`), typed and validated.

Knative has no word for some things platform teams ask for; knstack adds them as
annotations on `spec.template.metadata`, next to Knative's autoscaling ones, so they stay
part of the revision (and of its ledger digest).

Policy waivers are the exception: `knstack.dev/waive.<rule-id>: "<reason>"` goes on the
object's own `metadata.annotations` (Service, Configuration or Route). A waiver is a
review decision about the object, not part of a revision, so adding one never mints a
new revision; it covers every object knstack derives from the annotated one.
"""

from __future__ import annotations

import re

from knstack.api.autoscaling import annotation_field
from knstack.errors import Problem

PREFIX = "knstack.dev/"
# Keep one low-spec pod instead of scaling to zero (the environment sizes it).
RESERVED_INSTANCE = PREFIX + "reserved-instance"
BOOLEAN_VALUES = {"true": True, "false": False}

WAIVE_PREFIX = PREFIX + "waive."
# A waiver's reason is read by reviewers and listed in reports: a sentence, not a token.
MIN_REASON_LENGTH = 10
_RULE_ID = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")

KNOWN: dict[str, str] = {
    RESERVED_INSTANCE: '"true" or "false": keep one low-spec pod instead of scaling to zero',
}


def reserved_instance(annotations: dict[str, str] | None) -> bool | None:
    """The template's choice, or None when it leaves it to the environment."""
    value = (annotations or {}).get(RESERVED_INSTANCE)
    return BOOLEAN_VALUES.get(value) if value is not None else None


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


def validate_knstack_annotations(annotations: dict[str, str], base: str) -> list[Problem]:
    """Rules for knstack annotations on `spec.template.metadata`."""
    problems: list[Problem] = []
    for key in sorted(annotations):
        if not key.startswith(PREFIX):
            continue
        where = f"{base}.{annotation_field(key)}"
        if key.startswith(WAIVE_PREFIX):
            problems.append(
                Problem(
                    "waivers go on the object's metadata.annotations, not on the revision template "
                    "(a waiver is a review decision and must not mint a new revision)",
                    field=where,
                )
            )
        elif key not in KNOWN:
            known = "; ".join(f"{k} ({v})" for k, v in KNOWN.items())
            problems.append(Problem(f"unknown knstack annotation (known: {known})", field=where))
        elif key == RESERVED_INSTANCE and annotations[key] not in BOOLEAN_VALUES:
            message = f'invalid value {annotations[key]!r}: use "true" or "false"'
            problems.append(Problem(message, field=where))
    return problems
