"""Analysis settings written into the example project's staging stack file."""

from __future__ import annotations

from pathlib import Path

import yaml

STAGING = "stacks/Pulumi.staging.yaml"
# The staging example's release: coffee-00002 is the candidate at stage 1 of [50, 100].
NAMESPACE, CANDIDATE, STABLE = "coffee-shop", "coffee-00002", "coffee-00001"

DEFAULT_CHECKS = [
    {"name": "success-rate", "template": "success-rate", "success": {"min": 0.99}, "window": "30s"},
    {"name": "latency", "template": "latency-p99", "success": {"max": 0.5}, "window": "30s"},
]


def add_analysis(project: Path, address: str, checks: list[dict] | None = None) -> None:
    """Append a `knstack:analysis` block (as a user would write it) to staging's config."""
    block = {
        "knstack:analysis": {
            "provider": {"prometheus": {"address": address}},
            "checks": checks if checks is not None else DEFAULT_CHECKS,
        }
    }
    text = yaml.safe_dump(block, sort_keys=False)
    indented = "".join(f"  {line}\n" for line in text.splitlines())
    path = project / STAGING
    path.write_text(path.read_text(encoding="utf-8") + indented, encoding="utf-8")
