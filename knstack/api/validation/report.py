"""The callback the pod spec rules report through (a message, a field path relative to the
revision spec, and a level: knstack.errors.ERROR or WARNING)."""

from __future__ import annotations

from typing import Protocol


class Report(Protocol):
    """Records a problem at a field path relative to the revision spec."""

    def __call__(self, message: str, where: str, level: str = ...) -> None: ...
