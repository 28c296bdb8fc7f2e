"""`--override`: the revision as rendered with some annotations changed, as one more
configuration to compare ("what if the target were 50?").

The changed annotations go through the same validation as a revision's own
(knstack.api.autoscaling.parse_autoscaling, Knative's annotation_validation.go), so a
typo is refused in Knative's words, and the result is the same RevisionPlan type every
model reads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from knstack.api.autoscaling import annotation_field, parse_autoscaling
from knstack.api.context import ServingContext
from knstack.api.knstack_annotations import validate_knstack_annotations
from knstack.errors import InputError, Problem
from knstack.resolve.model import RevisionPlan
from knstack.vocabulary import AUTOSCALING_PREFIX


@dataclass(frozen=True)
class Override:
    text: str  # as given, for the label and messages
    annotations: dict[str, str]

    @property
    def label(self) -> str:
        return f"as rendered + {self.text}"


def parse_override(text: str) -> Override:
    """`target=50,window=30s`: keys without a prefix are `autoscaling.knative.dev/` keys."""
    annotations: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        key, eq, value = item.partition("=")
        if not eq or not key.strip() or not value.strip():
            raise InputError([Problem(
                f"--override: {item!r} in {text!r} must be KEY=VALUE "
                "(e.g. target=50 or autoscaling.knative.dev/window=30s)"
            )])  # fmt: skip
        key = key.strip()
        annotations[key if "/" in key else AUTOSCALING_PREFIX + key] = value.strip()
    return Override(text.strip(), annotations)


def overridden(rev: RevisionPlan, override: Override, ctx: ServingContext) -> RevisionPlan:
    """The revision with the override's annotations; refused, with Knative's message, when
    Knative would refuse the result or ignore a key (a misspelt key simulates nothing)."""
    merged = {**(rev.template.metadata.annotations or {}), **override.annotations}
    _, problems = parse_autoscaling(merged, ctx, base="metadata")
    problems += validate_knstack_annotations(merged, "metadata")
    changed = {f"metadata.{annotation_field(key)}" for key in override.annotations}
    mine = [p for p in problems if p.field is None or p.field in changed or not p.is_warning]
    if mine:
        raise InputError(
            [Problem(f"--override {override.text!r}: {p.message}", field=p.field) for p in mine]
        )
    metadata = rev.template.metadata.model_copy(update={"annotations": merged})
    return replace(rev, template=rev.template.model_copy(update={"metadata": metadata}))
