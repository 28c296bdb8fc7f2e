"""What several formats share: where a finding points, stable fingerprints, level names."""

from __future__ import annotations

import hashlib

from knstack.policy.check import Finding, Report
from knstack.policy.locate import Location


def finding_location(report: Report, finding: Finding) -> Location | None:
    return finding.location or report.default_location


def fingerprint(report: Report, finding: Finding) -> str:
    """Identifies a finding across runs (not its line, which moves as files change)."""
    text = "\0".join(
        (report.environment, finding.rule.id, finding.object, finding.field, finding.message)
    )
    return hashlib.sha256(text.encode()).hexdigest()


def where(report: Report, finding: Finding) -> str:
    location = finding_location(report, finding)
    return str(location) if location else ""
