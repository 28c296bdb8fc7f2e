"""Warnings as a user reads them: one line per distinct message (the CLI prints them,
`pulumi up` logs them)."""

from __future__ import annotations


def group_warnings(messages: list[str], shown: int = 3) -> list[str]:
    """Warnings that differ only in their subject ("Revision ns/x: ...") become one line."""
    by_text: dict[str, list[str]] = {}
    for message in messages:
        subject, sep, text = message.partition(": ")
        key = text if sep else message
        by_text.setdefault(key, []).append(subject if sep else "")
    lines = []
    for text, subjects in by_text.items():
        if len(subjects) == 1:
            lines.append(f"{subjects[0]}: {text}" if subjects[0] else text)
        else:
            more = f" and {len(subjects) - shown} more" if len(subjects) > shown else ""
            lines.append(f"{', '.join(subjects[:shown])}{more}: {text}")
    return lines
