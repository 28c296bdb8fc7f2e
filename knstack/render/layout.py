"""Where each manifest goes and in which order: stable names, dependencies first.

Files are `NN_<kind>[.<group>]_<namespace>_<name>.<ext>`: the two-digit rank puts
namespaces and CRDs before what needs them (kubectl applies a directory in file order),
and `_` cannot occur in Kubernetes names, so file names never collide.
"""

from __future__ import annotations

from typing import Any

from knstack.expand.order import identity, rank


def file_name(manifest: dict[str, Any], extension: str) -> str:
    group, kind, namespace, name = identity(manifest)
    kind_part = kind.lower() + (f".{group}" if group else "")
    parts = [f"{rank(manifest):02d}", kind_part]
    if namespace:
        parts.append(namespace)
    parts.append(name)
    return "_".join(parts) + f".{extension}"
