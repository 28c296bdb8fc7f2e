"""Server-side apply of rendered objects, as a GitOps controller (or a user with kubectl) does:
CustomResourceDefinitions and Namespaces first, then the rest once the CRDs are Established
(one `kubectl apply` of both fails: the API server cannot map a kind whose CRD it has not
established yet; Argo CD's sync waves and Flux's dependsOn order them the same way)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.cluster.kubectl import Kubectl
from tests.cluster.live import Manifest, live, manifest_file

FIELD_MANAGER = "knstack"
FIRST = ("CustomResourceDefinition", "Namespace")


def apply(k: Kubectl, objects: list[Manifest], scratch: Path, *extra: str) -> None:
    first = [o for o in objects if o["kind"] in FIRST]
    rest = [o for o in objects if o["kind"] not in FIRST]
    for phase, part in (("first", first), ("rest", rest)):
        if not part:
            continue
        path = manifest_file(part, scratch.with_name(f"{scratch.stem}-{phase}.yaml"))
        k.run("apply", "--server-side", f"--field-manager={FIELD_MANAGER}", "-f", str(path), *extra)
        crds = [
            f"crd/{o['metadata']['name']}" for o in part if o["kind"] == "CustomResourceDefinition"
        ]
        if crds:
            k.run("wait", "--for=condition=Established", "--timeout=60s", *crds)


def applied_state(
    k: Kubectl, objects: list[Manifest], scratch: Path
) -> dict[tuple[str, str, str], Any]:
    """Per object: its generation and knstack's own managed-fields entry (its time changes
    only when an apply changes a field). resourceVersion would not do: controllers write
    status (a Deployment's rollout, a PDB's counts) between two applies."""
    found, errors = live(k, objects, scratch)
    assert len(found) == len(objects), errors
    state = {}
    for o in found:
        meta = o["metadata"]
        mine = [m for m in meta.get("managedFields", []) if m.get("manager") == FIELD_MANAGER]
        state[(o["kind"], meta.get("namespace", ""), meta["name"])] = (meta.get("generation"), mine)
    return state


def renamespaced(objects: list[Manifest], old: str, new: str) -> list[Manifest]:
    """`objects` moved from namespace `old` to `new` (every `namespace` field, and the
    Namespace object itself), so that several renders can share one cluster."""

    def move(value: Any, key: str = "") -> Any:
        if isinstance(value, dict):
            return {k: move(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [move(v) for v in value]
        return new if key == "namespace" and value == old else value

    moved = []
    for obj in objects:
        copy = move(obj)
        if copy["kind"] == "Namespace" and copy["metadata"]["name"] == old:
            copy["metadata"]["name"] = new
        moved.append(copy)
    return json.loads(json.dumps(moved))
