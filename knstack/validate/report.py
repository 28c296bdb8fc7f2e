"""The outcome of a validation run, and its machine-readable forms (JSON, JUnit XML).

Both forms are deterministic: results sorted by file and object, no timestamps or
durations, so a report can be committed or diffed.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from knstack.validate.kubeconform import FieldError

Status = Literal["valid", "invalid", "error", "skipped"]
REPORT_API_VERSION = "knstack.dev/v1alpha1"
_STATUSES: tuple[Status, ...] = ("valid", "invalid", "error", "skipped")


class ObjectResult(NamedTuple):  # immutable; a tuple is made in half a frozen dataclass's time
    file: str  # as the user knows it: `test/test-1/04_service_...yaml` or a path given
    api_version: str
    kind: str
    name: str
    namespace: str | None
    status: Status
    errors: tuple[FieldError, ...] = ()
    message: str | None = None  # for `error`: why the object could not be checked

    @property
    def label(self) -> str:
        """`Deployment coffee-shop/coffee-00001-deployment`, as errors elsewhere name objects."""
        name = f"{self.namespace}/{self.name}" if self.namespace else (self.name or "(unnamed)")
        return f"{self.kind or 'object'} {name}"

    def sort_key(self) -> tuple[str, str, str, str, str]:
        return (self.file, self.kind, self.api_version, self.namespace or "", self.name)


@dataclass
class SchemaSources:
    """What the objects were checked against (shown in every report)."""

    kubeconform: str
    kubernetes_version: str
    kubernetes_schemas: str  # "kubernetes-validate 1.37.0"
    crd_kinds: list[str] = field(default_factory=list)
    # Set for `validate --server-side`: the API servers that judged ("cluster=https://...").
    server: str | None = None

    def describe(self) -> str:
        """One line naming what judged the objects."""
        if self.server is not None:
            return f"server-side dry-run: {self.server} (Kubernetes {self.kubernetes_version})"
        return (
            f"kubeconform {self.kubeconform} -strict: Kubernetes {self.kubernetes_version} "
            f"({self.kubernetes_schemas}), {len(self.crd_kinds)} custom resource schemas"
        )


@dataclass
class ValidationReport:
    target: str  # "environment test" or the paths given
    sources: SchemaSources
    results: list[ObjectResult]
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.results = sorted(self.results, key=ObjectResult.sort_key)

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        return all(r.status in ("valid", "skipped") for r in self.results)

    @property
    def failures(self) -> list[ObjectResult]:
        return [r for r in self.results if r.status in ("invalid", "error")]

    def summary(self) -> dict[str, int]:
        return {
            "objects": len(self.results),
            **{status: self.count(status) for status in _STATUSES},
        }

    def to_json(self) -> str:
        document = {
            "apiVersion": REPORT_API_VERSION,
            "kind": "ValidationReport",
            "target": self.target,
            "valid": self.ok,
            "summary": self.summary(),
            "schemas": _sources_json(self.sources),
            "warnings": self.warnings,
            "objects": [_object_json(r) for r in self.results],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

    def to_junit(self) -> str:
        """One test suite per file, one test case per object (the layout CI servers show)."""
        suites = ET.Element("testsuites", name=f"knstack validate {self.target}")
        _counts(suites, self.results)
        by_file: dict[str, list[ObjectResult]] = {}
        for result in self.results:
            by_file.setdefault(result.file, []).append(result)
        for file, results in by_file.items():
            suite = ET.SubElement(suites, "testsuite", name=file)
            _counts(suite, results)
            for result in results:
                case = ET.SubElement(suite, "testcase", classname=file, name=result.label)
                if result.status == "invalid":
                    failure = ET.SubElement(
                        case, "failure", type="invalid", message=_first_line(result)
                    )
                    failure.text = "\n".join(_error_line(e) for e in result.errors)
                elif result.status == "error":
                    error = ET.SubElement(case, "error", type="error", message=result.message or "")
                    error.text = result.message or ""
                elif result.status == "skipped":
                    ET.SubElement(case, "skipped")
        ET.indent(suites)
        return (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            + ET.tostring(suites, encoding="unicode")
            + "\n"
        )


def _sources_json(sources: SchemaSources) -> dict[str, object]:
    if sources.server is not None:
        return {"serverSideDryRun": sources.server, "kubernetesVersion": sources.kubernetes_version}
    return {
        "kubeconform": sources.kubeconform,
        "kubernetesVersion": sources.kubernetes_version,
        "kubernetesSchemas": sources.kubernetes_schemas,
        "customResources": sources.crd_kinds,
    }


def _object_json(result: ObjectResult) -> dict[str, object]:
    out: dict[str, object] = {
        "file": result.file,
        "apiVersion": result.api_version,
        "kind": result.kind,
        "name": result.name,
    }
    if result.namespace:
        out["namespace"] = result.namespace
    out["status"] = result.status
    if result.errors:
        out["errors"] = [{"field": e.field, "message": e.message} for e in result.errors]
    if result.message:
        out["message"] = result.message
    return out


def _counts(element: ET.Element, results: list[ObjectResult]) -> None:
    element.set("tests", str(len(results)))
    element.set("failures", str(sum(1 for r in results if r.status == "invalid")))
    element.set("errors", str(sum(1 for r in results if r.status == "error")))
    element.set("skipped", str(sum(1 for r in results if r.status == "skipped")))


def _error_line(error: FieldError) -> str:
    return f"{error.field}: {error.message}" if error.field else error.message


def _first_line(result: ObjectResult) -> str:
    return _error_line(result.errors[0]) if result.errors else "invalid"
