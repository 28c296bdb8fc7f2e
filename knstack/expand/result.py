"""What an expansion returns: the manifests and the warnings about them."""

from __future__ import annotations

from dataclasses import dataclass, field

from knstack.vocabulary import Manifest as Manifest


@dataclass
class Expansion:
    manifests: list[Manifest] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: Expansion) -> None:
        self.manifests += other.manifests
        self.warnings += other.warnings
