"""knstack's own template annotations (`knstack.dev/*`), typed and validated.

Knative has no word for some things platform teams ask for; knstack adds them as
annotations on `spec.template.metadata`, next to Knative's autoscaling ones, so they stay
part of the revision (and of its ledger digest).
"""

from __future__ import annotations

from knstack.api.autoscaling import annotation_field
from knstack.errors import Problem

PREFIX = "knstack.dev/"
# Keep one low-spec pod instead of scaling to zero (the environment sizes it).
RESERVED_INSTANCE = PREFIX + "reserved-instance"
BOOLEAN_VALUES = {"true": True, "false": False}

KNOWN: dict[str, str] = {
    RESERVED_INSTANCE: '"true" or "false": keep one low-spec pod instead of scaling to zero',
}


def reserved_instance(annotations: dict[str, str] | None) -> bool | None:
    """The template's choice, or None when it leaves it to the environment."""
    value = (annotations or {}).get(RESERVED_INSTANCE)
    return BOOLEAN_VALUES.get(value) if value is not None else None


def validate_knstack_annotations(annotations: dict[str, str], base: str) -> list[Problem]:
    problems: list[Problem] = []
    for key in sorted(annotations):
        if not key.startswith(PREFIX):
            continue
        where = f"{base}.{annotation_field(key)}"
        if key not in KNOWN:
            known = "; ".join(f"{k} ({v})" for k, v in KNOWN.items())
            problems.append(Problem(f"unknown knstack annotation (known: {known})", field=where))
        elif key == RESERVED_INSTANCE and annotations[key] not in BOOLEAN_VALUES:
            problems.append(Problem(f'invalid value {annotations[key]!r}: use "true" or "false"', field=where))
    return problems
