"""`--format junit`: one test suite per concern, one test case per rule (or per finding).

CI systems count a mandatory finding as a failure, show advisory ones as output of a
passing case, and waived findings and disabled rules as skipped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from knstack.policy.check import Finding, Report
from knstack.policy.formats.common import where


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": classname, "name": name})


def _finding_case(suite: ET.Element, report: Report, finding: Finding) -> str:
    """Adds the case; returns its outcome (failure, skipped, passed)."""
    case = _case(
        suite,
        f"knstack.{finding.rule.concern}.{finding.rule.id}",
        f"{finding.object} {finding.field}",
    )
    detail = f"{finding.text()}\nsource: {where(report, finding) or '-'}\nfix: {finding.rule.fix}"
    if finding.waiver is not None:
        ET.SubElement(case, "skipped", {"message": f"waived: {finding.waiver}"})
        return "skipped"
    if finding.level == "mandatory":
        failure = ET.SubElement(
            case, "failure", {"type": finding.rule.id, "message": finding.message}
        )
        failure.text = detail
        return "failure"
    ET.SubElement(case, "system-out").text = f"advisory: {detail}"
    return "passed"


def junit_text(report: Report) -> str:
    root = ET.Element("testsuites", {"name": f"knstack check {report.environment}"})
    by_rule: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule.id, []).append(finding)
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    concerns = list(dict.fromkeys(r.concern for r in report.rules))
    for concern in concerns:
        suite = ET.SubElement(
            root, "testsuite", {"name": f"knstack check {report.environment}: {concern}"}
        )
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for rule in (r for r in report.rules if r.concern == concern):
            outcomes: list[str] = []
            if report.levels[rule.id] == "disabled":
                ET.SubElement(
                    _case(suite, f"knstack.{concern}.{rule.id}", rule.id),
                    "skipped",
                    {"message": "disabled in this environment"},
                )
                outcomes.append("skipped")
            elif rule.id not in by_rule:
                _case(suite, f"knstack.{concern}.{rule.id}", rule.id)
                outcomes.append("passed")
            else:
                outcomes += [_finding_case(suite, report, f) for f in by_rule[rule.id]]
            counts["tests"] += len(outcomes)
            counts["failures"] += outcomes.count("failure")
            counts["skipped"] += outcomes.count("skipped")
        suite.attrib.update({key: str(value) for key, value in counts.items()} | {"errors": "0"})
        for key in totals:
            totals[key] += counts[key]
    root.attrib.update({key: str(value) for key, value in totals.items()} | {"errors": "0"})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
