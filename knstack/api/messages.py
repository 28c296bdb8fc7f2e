"""Error messages in Knative's own words, where Knative has them.

knative.dev/pkg apis/field_error.go words the webhook's field errors; knstack prints the same
text so that a message found in Knative's docs or issues matches what a user sees here.
"""

from __future__ import annotations


def out_of_bounds(value: object, low: object, high: object) -> str:
    """apis.ErrOutOfBoundsValue: `expected LOW <= VALUE <= HIGH` (Go's %v of each)."""
    return f"expected {low} <= {value} <= {high}"
