"""Admission: what Knative's webhook admits but knstack's validation warns about.

knstack's validation agrees with Knative's webhook on accept and reject (tests/oracle). Where
Knative admits an object that will not do what it says (an annotation it ignores, such as a
misspelt autoscaling key; a label value it does not read; a container the API server will
refuse), validation returns a warning (knstack.errors.WARNING). This rule makes those
warnings a policy finding, mandatory by default, so a pull request fails on them while a
render still matches what Knative itself would admit.
"""

from __future__ import annotations

from collections.abc import Iterator

from knstack.api.context import DEFAULT_CONTEXT
from knstack.api.loader import Source, parse_serving_object
from knstack.api.validation import validate_object
from knstack.errors import InputError
from knstack.policy.model import MANDATORY, Manifest, RuleContext, Violation
from knstack.policy.objects import KNATIVE_CONFIGURATION, KNATIVE_ROUTE, KNATIVE_SERVICE
from knstack.policy.registry import rule


@rule(
    id="serving-warnings",
    title="Knative objects set nothing Knative ignores and nothing the API server refuses",
    severity=MANDATORY,
    kinds={KNATIVE_SERVICE, KNATIVE_CONFIGURATION, KNATIVE_ROUTE},
    scope="source",
    fix="Do what the warning says: fix the key's spelling, move the setting to where Knative "
    "reads it, or remove it.",
    rationale="Knative's webhook admits unknown autoscaling and queue-sidecar keys, annotations "
    "and labels in places it never reads, and container fields the API server then refuses; "
    "the revision silently keeps its defaults or never becomes ready.",
)
def serving_warnings(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    try:
        parsed = parse_serving_object(dict(obj), Source("<policy>"))
    except InputError:
        return  # not a valid Knative object: validation reports it, not policy
    for problem in validate_object(parsed, DEFAULT_CONTEXT):
        if problem.is_warning:
            yield Violation(obj, problem.field or "", problem.message)
