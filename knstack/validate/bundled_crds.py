"""The CRDs knstack validates against by default: pinned, offline, no flags.

`scripts/bootstrap.sh` (tools/crds/tool.sh) copies the CustomResourceDefinition files that
the projects knstack writes custom resources for ship in their Go modules (Gateway API,
Istio, KEDA, the KEDA HTTP add-on, Knative Serving, Tekton Pipelines), at the versions
pinned in tools/crds/go.mod, into `.tools/crds/<project>/` of the knstack checkout, with a
`SOURCES` file naming each project's module and version. `$KNSTACK_BUNDLED_CRDS` points
knstack at such a directory elsewhere (an installed knstack without a checkout).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

BUNDLED_CRDS_ENV = "KNSTACK_BUNDLED_CRDS"
SOURCES_FILE = "SOURCES"
INSTALL_HINT = "scripts/bootstrap.sh installs knstack's pinned CRDs"
_CHECKOUT_DIR = Path(__file__).resolve().parents[2] / ".tools" / "crds"


@dataclass(frozen=True)
class BundledSource:
    """One Go module the bundled CRDs of a project come from."""

    project: str  # "gateway-api", the directory under .tools/crds
    module: str  # "sigs.k8s.io/gateway-api"
    version: str  # "v1.6.3"


def bundled_crds_dir() -> Path | None:
    """`$KNSTACK_BUNDLED_CRDS`, else the checkout's `.tools/crds`, when it has been built."""
    explicit = os.environ.get(BUNDLED_CRDS_ENV)
    candidate = Path(explicit).expanduser() if explicit else _CHECKOUT_DIR
    return candidate if (candidate / SOURCES_FILE).is_file() else None


def bundled_sources(root: Path | None = None) -> list[BundledSource]:
    """The modules (and versions) the bundled CRDs were taken from, as SOURCES lists them."""
    root = root or bundled_crds_dir()
    if root is None:
        return []
    sources = []
    for line in (root / SOURCES_FILE).read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3:
            sources.append(BundledSource(*parts))
    return sources


def bundled_crd_files(projects: Iterable[str] | None = None) -> list[Path]:
    """The bundled CRD files, sorted; only those of `projects` when given (e.g. "keda").

    Each file holds CustomResourceDefinitions only, as upstream ships them, so they can be
    applied to an API server as they are.
    """
    root = bundled_crds_dir()
    if root is None:
        return []
    wanted = None if projects is None else set(projects)
    return sorted(
        path
        for path in root.glob("*/*.yaml")
        if path.is_file() and (wanted is None or path.parent.name in wanted)
    )
