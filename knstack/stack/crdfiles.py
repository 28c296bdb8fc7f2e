"""Reading the release's CRDs when an environment points `knative.crds.path` at them.

Rendering stays offline and deterministic: the file (the release's serving-crds.yaml, or
a directory of CRD files) is part of the project, read at build time and checked to hold
exactly the CustomResourceDefinitions of Knative Serving.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from knstack.errors import InputError, Problem
from knstack.stack.settings import StackSettings
from knstack.yamlio import load_yaml_all

FIELD = 'config."knstack:knative".crds.path'


def with_crd_files(settings: StackSettings, root: Path, expected: Iterable[str]) -> StackSettings:
    """The settings with the CRD documents of `knative.crds.path` loaded (when it is set)."""
    crds = settings.knative.crds
    if crds.path is None:
        return settings
    path = (root / crds.path).resolve()
    documents = _read(path)
    found = {
        str(doc.get("metadata", {}).get("name")): doc
        for doc in documents
        if doc.get("kind") == "CustomResourceDefinition"
    }
    wanted = set(expected)
    missing, unexpected = sorted(wanted - set(found)), sorted(set(found) - wanted)
    problems = []
    if missing:
        problems.append(
            Problem(f"{path} lacks the Knative Serving CRDs {', '.join(missing)}", field=FIELD)
        )
    if unexpected:
        problems.append(
            Problem(
                f"{path} holds CRDs that are not Knative Serving's: {', '.join(unexpected)}",
                field=FIELD,
            )
        )
    if problems:
        raise InputError(problems)
    ordered = [found[name] for name in sorted(found)]
    knative = settings.knative.model_copy(update={"crds": crds.with_documents(ordered)})
    return settings.model_copy(update={"knative": knative})


def _read(path: Path) -> list[dict[str, Any]]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml"))
    elif path.is_file():
        files = [path]
    else:
        raise InputError(
            Problem(
                f"{path} does not exist (point it at the release's serving-crds.yaml or a "
                f"directory of CRDs)",
                field=FIELD,
            )
        )
    documents: list[dict[str, Any]] = []
    for file in files:
        try:
            documents += [
                doc
                for doc in load_yaml_all(file.read_text(encoding="utf-8"), str(file))
                if isinstance(doc, dict)
            ]
        except yaml.YAMLError as err:
            raise InputError(
                Problem(
                    f"invalid YAML: {getattr(err, 'problem', err)}", file=str(file), field=FIELD
                )
            ) from None
    return documents
