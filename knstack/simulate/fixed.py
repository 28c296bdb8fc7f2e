"""Fixed replicas: what knstack renders for a KPA revision with no request-driven
autoscaler (max of min-scale, initial-scale and 1; knstack/expand/autoscaling), or
`--compare fixed:N`."""

from __future__ import annotations


class FixedModel:
    panicking = False

    def __init__(self, replicas: int, label: str | None = None) -> None:
        self.replicas = replicas
        self.label = label or f"fixed:{replicas}"

    def desired(self, now: int, metrics, ready: int, current: int) -> int:  # type: ignore[no-untyped-def]
        return self.replicas
