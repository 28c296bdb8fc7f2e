"""The two judges of the differential tests: Knative's own Go code (tools/knative-oracle, run
once per batch of documents) and knstack's loader (in process)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knstack.api.configmaps import ServingConfig
from knstack.api.loader import Source, check_object, parse_serving_object
from knstack.errors import InputError

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    messages: tuple[str, ...] = ()
    built: dict[str, Any] = field(default_factory=dict, compare=False)
    defaulted: dict[str, Any] = field(default_factory=dict, compare=False)
    build_error: str = field(default="", compare=False)  # the oracle's builders failed


def find_oracle() -> Path | None:
    """$KNATIVE_ORACLE, else the bootstrap's build, else one on PATH."""
    if override := os.environ.get("KNATIVE_ORACLE"):
        return Path(override)
    built = REPO / ".tools" / "bin" / "knative-oracle"
    if built.is_file():
        return built
    found = shutil.which("knative-oracle")
    return Path(found) if found else None


def oracle_config(config: ServingConfig) -> dict[str, dict[str, str]]:
    """The ConfigMaps knstack's webhook model reads, as the oracle takes them."""
    return {
        "config-defaults": config.defaults.data(),
        "config-autoscaler": config.autoscaler.data(),
        "config-features": config.features.data(),
    }


def knative_verdicts(
    oracle: Path, documents: list[dict[str, Any]], config_file: Path
) -> list[Verdict]:
    """Knative's verdict on each document (one oracle process for the whole batch)."""
    stream = yaml.safe_dump_all(documents, sort_keys=False)
    run = subprocess.run(
        [str(oracle), "-config", str(config_file)],
        input=stream,
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        raise RuntimeError(f"knative-oracle failed ({run.returncode}): {run.stderr}")
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    if len(lines) != len(documents):
        raise RuntimeError(f"knative-oracle answered {len(lines)} of {len(documents)} documents")
    verdicts = []
    for answer in lines:
        if answer.get("decode_error"):
            verdicts.append(Verdict(False, (f"decode: {answer['decode_error']}",)))
            continue
        messages = tuple(
            f"{e['message']}: {', '.join(e.get('paths') or [])}" for e in answer["errors"]
        )
        verdicts.append(
            Verdict(
                not messages,
                messages,
                built=answer.get("built") or {},
                defaulted=answer.get("defaulted") or {},
                build_error=answer.get("build_error") or "",
            )
        )
    return verdicts


def knstack_verdict(document: dict[str, Any]) -> Verdict:
    """knstack's verdict: the loader's structural parse plus its webhook rules."""
    source = Source("<case>")
    try:
        obj = parse_serving_object(document, source)
        check_object(obj, source)
    except InputError as err:
        return Verdict(False, tuple(f"{p.message}: {p.field}" for p in err.problems))
    return Verdict(True)


def write_config(path: Path, config: ServingConfig | None = None) -> Path:
    path.write_text(json.dumps(oracle_config(config or ServingConfig())), encoding="utf-8")
    return path
