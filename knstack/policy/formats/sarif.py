"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning (findings on the pull request).

Each rule is a reportingDescriptor (level error = mandatory, warning = advisory, none =
disabled here); each finding a result located at the Knative object's file and line,
with the rendered object as a logical location. Waived findings are results with an
in-source suppression carrying the waiver's reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from knstack import __version__
from knstack.policy.check import Finding, Report
from knstack.policy.formats.common import finding_location, fingerprint
from knstack.policy.locate import Location
from knstack.policy.model import Rule

SARIF_SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://knative.dev/docs/serving/"
SARIF_LEVELS = {"mandatory": "error", "advisory": "warning", "disabled": "none"}
WAIVE_TEXT = "Waive (with a reason) on the Knative object's metadata.annotations"
WAIVE_MARKDOWN = "**Waive** (with a reason) on the Knative object's `metadata.annotations`"
SECURITY_CONCERNS = frozenset({"security", "secrets", "images"})
# GitHub shows security-severity as critical (>= 9), high (>= 7), medium (>= 4) or low.
SECURITY_SEVERITY = {"mandatory": "7.5", "advisory": "4.0"}


def _rule(rule: Rule, level: str) -> dict[str, Any]:
    tags = list(
        dict.fromkeys(
            ["knstack", rule.concern] + (["security"] if rule.concern in SECURITY_CONCERNS else [])
        )
    )
    properties: dict[str, Any] = {"tags": tags, "precision": "very-high", "scope": rule.scope}
    if rule.concern in SECURITY_CONCERNS and level in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[level]
    waive = f'knstack.dev/waive.{rule.id}: "<reason>"'
    return {
        "id": rule.id,
        "name": rule.id,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.rationale},
        "help": {
            "text": f"{rule.rationale}\nFix: {rule.fix}\n{WAIVE_TEXT}: {waive}",
            "markdown": f"{rule.rationale}\n\n**Fix:** {rule.fix}\n\n{WAIVE_MARKDOWN}: `{waive}`",
        },
        "defaultConfiguration": {"level": SARIF_LEVELS[level], "enabled": level != "disabled"},
        "properties": properties,
    }


def _uri(location: Location) -> str:
    path = Path(location.file)
    return path.as_uri() if path.is_absolute() else path.as_posix()


def _result(report: Report, finding: Finding, index: int) -> dict[str, Any]:
    message = f"{finding.text()}."
    if finding.origin:
        message += (
            f" From {finding.origin}"
            + (f", field {finding.origin_field}" if finding.origin_field else "")
            + "."
        )
    if finding.clusters:
        message += f" Clusters: {', '.join(finding.clusters)}."
    message += f" Fix: {finding.rule.fix}"
    result: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "ruleIndex": index,
        "level": SARIF_LEVELS[finding.level],
        "kind": "fail",
        "message": {"text": message},
        "partialFingerprints": {"knstackFinding/v1": fingerprint(report, finding)},
        "properties": {
            "environment": report.environment,
            "object": finding.object,
            "field": finding.field,
            "origin": finding.origin,
            "originField": finding.origin_field,
            "clusters": list(finding.clusters),
        },
    }
    location: dict[str, Any] = {
        "logicalLocations": [{"fullyQualifiedName": finding.object, "kind": "resource"}]
    }
    where = finding_location(report, finding)
    if where is not None:
        physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(where)}}
        if where.line:
            physical["region"] = {"startLine": where.line}
        location["physicalLocation"] = physical
    result["locations"] = [location]
    if finding.waiver is not None:
        result["suppressions"] = [
            {"kind": "inSource", "status": "accepted", "justification": finding.waiver}
        ]
    return result


def sarif_report(report: Report) -> dict[str, Any]:
    index = {rule.id: i for i, rule in enumerate(report.rules)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "knstack",
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule, report.levels[rule.id]) for rule in report.rules],
                    }
                },
                # Separates the environments' analyses on GitHub (one upload per environment).
                "automationDetails": {"id": f"knstack-check/{report.environment}/"},
                "invocations": [{"executionSuccessful": True}],
                "columnKind": "utf16CodeUnits",
                "results": [_result(report, f, index[f.rule.id]) for f in report.findings],
            }
        ],
    }


def sarif_text(report: Report) -> str:
    return json.dumps(sarif_report(report), indent=2, ensure_ascii=False) + "\n"
