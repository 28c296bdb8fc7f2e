"""`--format json`: the whole report, for scripts (stable keys, sorted output)."""

from __future__ import annotations

import json
from typing import Any

from knstack.policy.check import Report
from knstack.policy.formats.common import finding_location

SCHEMA_VERSION = 1


def json_report(report: Report) -> dict[str, Any]:
    findings = []
    for f in report.findings:
        location = finding_location(report, f)
        findings.append(
            {
                "rule": f.rule.id,
                "concern": f.rule.concern,
                "level": f.level,
                "object": f.object,
                "field": f.field,
                "message": f.message,
                "fix": f.rule.fix,
                "origin": f.origin,
                "originField": f.origin_field,
                "file": location.file if location else None,
                "line": location.line if location else None,
                "clusters": list(f.clusters),
                "waived": f.waiver is not None,
                "waiver": f.waiver,
            }
        )
    return {
        "schemaVersion": SCHEMA_VERSION,
        "environment": report.environment,
        "clusters": list(report.clusters),
        "passed": report.passed,
        "summary": {
            "mandatory": report.count("mandatory"),
            "advisory": report.count("advisory"),
            "waived": report.waived,
        },
        "findings": findings,
        "waivers": [
            {
                "rule": w.rule_id,
                "object": w.object,
                "reason": w.reason,
                "file": w.location.file if w.location else None,
                "line": w.location.line if w.location else None,
                "knownRule": w.known,
                "waivedFindings": w.waived,
            }
            for w in report.waivers
        ],
        "rules": [
            {
                "id": r.id,
                "concern": r.concern,
                "scope": r.scope,
                "level": report.levels[r.id],
                "defaultLevel": r.severity,
                "title": r.title,
                "fix": r.fix,
            }
            for r in report.rules
        ],
        "warnings": list(report.warnings),
    }


def json_text(report: Report) -> str:
    return json.dumps(json_report(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
