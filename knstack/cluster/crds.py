"""The CRDs a local cluster needs before knstack's output can be applied to it.

The objects knstack renders for the kubernetes backend use Gateway API, Istio and KEDA (and the
KEDA HTTP add-on) types; their CRDs come from the bundled, pinned copies (`.tools/crds`, see
knstack.validate.bundled_crds). Knative's own CRDs are not pre-installed: the `lab` environment
deploys them itself, as part of the Knative control plane.

The copies installed here never carry a conversion webhook: the API server would call it at
a Service address (upstream Tekton's CRDs do), and a local cluster never dials one.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from knstack.errors import KnstackError
from knstack.validate.bundled_crds import bundled_crd_files

CLUSTER_CRD_PROJECTS = ("gateway-api", "istio", "keda", "keda-http-add-on")


class CrdInstallError(KnstackError):
    exit_code = 1


def without_conversion_webhook(crd: dict[str, Any]) -> dict[str, Any]:
    """The CRD with `spec.conversion` reset to None (all served versions share one schema
    shape in these CRDs; apiextensions `CustomResourceConversion`, strategy None)."""
    spec = dict(crd.get("spec") or {})
    if (spec.get("conversion") or {}).get("strategy") == "Webhook":
        spec["conversion"] = {"strategy": "None"}
    return {**crd, "spec": spec}


def cluster_crds(projects: Iterable[str] = CLUSTER_CRD_PROJECTS) -> list[dict[str, Any]]:
    """The CRD objects to install, conversion webhooks removed, in file order."""
    files = bundled_crd_files(projects)
    if not files:
        raise CrdInstallError(
            "the bundled CRDs are not built: run scripts/bootstrap.sh (it copies them from their "
            "Go modules into .tools/crds)"
        )
    crds = []
    for path in files:
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") == "CustomResourceDefinition":
                crds.append(without_conversion_webhook(doc))
    return crds


def install_crds(kubectl: Path, kubeconfig: Path, context: str, workdir: Path) -> int:
    """Apply the CRDs server-side and wait until each is Established; returns how many."""
    crds = cluster_crds()
    manifest = workdir / "crds.yaml"
    manifest.write_text(yaml.safe_dump_all(crds, sort_keys=False))
    base = [str(kubectl), f"--kubeconfig={kubeconfig}", f"--context={context}"]
    for args in (
        ["apply", "--server-side", "--field-manager=knstack-cluster", "-f", str(manifest)],
        ["wait", "--for=condition=Established", "--timeout=60s", "-f", str(manifest)],
    ):
        done = subprocess.run([*base, *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise CrdInstallError(
                f"cluster {context}: kubectl {args[0]} of the CRDs failed: {done.stderr.strip()[-800:]}"
            )
    return len(crds)
