"""Finding and running kubeconform, and reading its JSON output.

The binary is looked up as `$KNSTACK_KUBECONFORM`, then `.tools/bin/kubeconform` in the
knstack checkout (scripts/bootstrap.sh builds it there from its Go module), then PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from knstack.errors import KnstackError

KUBECONFORM_ENV = "KNSTACK_KUBECONFORM"
_CHECKOUT_BINARY = Path(__file__).resolve().parents[2] / ".tools" / "bin" / "kubeconform"
_CAUSE = re.compile(r"- at '([^']*)': ")
_UNKNOWN_FIELDS = re.compile(r"^additional properties (.+) not allowed$")


class ToolMissing(KnstackError):
    """A tool knstack runs is not installed (exit 2: the run could not start)."""


@dataclass(frozen=True)
class FieldError:
    field: str  # "spec.template.spec.containers[0].image"
    message: str


class RawResult(NamedTuple):
    """One object as kubeconform reported it (a tuple: a report of 80,000 objects makes
    one each, in half the time of a frozen dataclass)."""

    filename: str
    kind: str
    name: str
    api_version: str
    status: str  # valid | invalid | error | skipped | empty
    message: str
    errors: tuple[FieldError, ...]


def find_kubeconform() -> Path:
    explicit = os.environ.get(KUBECONFORM_ENV)
    if explicit:
        path = Path(explicit).expanduser()
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise ToolMissing(f"{KUBECONFORM_ENV}={explicit} is not an executable file")
        return path
    if _CHECKOUT_BINARY.is_file() and os.access(_CHECKOUT_BINARY, os.X_OK):
        return _CHECKOUT_BINARY
    found = shutil.which("kubeconform")
    if found:
        return Path(found)
    raise ToolMissing(
        "kubeconform was not found: run scripts/bootstrap.sh (it builds kubeconform into .tools/bin), "
        f"put kubeconform on PATH, or set {KUBECONFORM_ENV} to its path"
    )


@cache
def kubeconform_version(binary: Path) -> str:
    done = subprocess.run([str(binary), "-v"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def run_kubeconform(
    binary: Path,
    targets: Sequence[str],
    *,
    schema_locations: Sequence[str],
    kubernetes_version: str,
    skip: Sequence[str] = (),
    workers: int | None = None,
) -> list[RawResult]:
    """Validate `targets` (files or directories) with `-strict`; every object's result."""
    args = [
        str(binary),
        "-strict",
        "-output",
        "json",
        "-verbose",
        "-kubernetes-version",
        kubernetes_version,
    ]
    for location in schema_locations:
        args += ["-schema-location", location]
    if skip:
        args += ["-skip", ",".join(skip)]
    args += ["-n", str(workers or max(1, os.cpu_count() or 1))]
    done = subprocess.run([*args, "--", *targets], capture_output=True, text=True, check=False)
    try:
        output = json.loads(done.stdout)
    except json.JSONDecodeError:
        detail = (done.stderr or done.stdout).strip() or f"exit code {done.returncode}"
        raise KnstackError(f"kubeconform failed: {detail}") from None
    results = [_result(item) for item in output.get("resources") or []]
    return [r for r in results if r.status != "empty"]


def _result(item: dict[str, Any]) -> RawResult:
    status = str(item.get("status", "")).removeprefix("status").lower()
    message = str(item.get("msg") or "")
    errors = parse_errors(message) if status == "invalid" else ()
    return RawResult(
        filename=str(item.get("filename", "")),
        kind=str(item.get("kind", "")),
        name=str(item.get("name", "")),
        api_version=str(item.get("version", "")),
        status=status,
        message=message,
        errors=errors,
    )


def parse_errors(message: str) -> tuple[FieldError, ...]:
    """The leaf causes of a schema failure, each with its field path.

    kubeconform flattens the validator's cause tree into one line:
    `... - at '/spec': validation failed   - at '/spec/replicas': got string, want integer`.
    "validation failed" entries only group their children, so they are dropped.
    """
    parts = _CAUSE.split(message)
    errors: list[FieldError] = []
    for pointer, text in zip(parts[1::2], parts[2::2], strict=True):
        text = text.strip()
        if text == "validation failed":
            continue
        unknown = _UNKNOWN_FIELDS.match(text)
        if unknown:
            for name in re.findall(r"'([^']*)'", unknown[1]):
                errors.append(
                    FieldError(
                        field_path([*_pointer_parts(pointer), name]),
                        "unknown field (check the spelling)",
                    )
                )
            continue
        errors.append(FieldError(field_path(_pointer_parts(pointer)), text))
    if not errors and message:
        errors.append(FieldError("", message))
    # The validator reports causes in map order, which varies run to run.
    return tuple(sorted(set(errors), key=lambda e: (e.field, e.message)))


def _pointer_parts(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in pointer.lstrip("/").split("/")]


def field_path(parts: Sequence[str]) -> str:
    """`spec.containers[0].image`; keys that are not plain names are quoted: `annotations["a.b/c"]`."""
    out = ""
    for part in parts:
        if part.isdigit():
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", part):
            out += f".{part}" if out else part
        else:
            out += f"[{json.dumps(part)}]"
    return out
