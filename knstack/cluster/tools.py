"""Where the local clusters' binaries are: `.tools/` of the knstack checkout, built by
`scripts/bootstrap.sh cluster` (tools/etcd, tools/kubernetes, tools/kwok), or
`$KNSTACK_CLUSTER_TOOLS` (a directory with bin/ and kwok-stages/)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from knstack.errors import KnstackError

_CHECKOUT_TOOLS = Path(__file__).resolve().parents[2] / ".tools"
BINARIES = (
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kwok",
    "kubectl",
)


class ClusterToolsMissing(KnstackError):
    """The cluster binaries have not been built."""


@dataclass(frozen=True)
class ClusterTools:
    bin_dir: Path
    kwok_stages: tuple[Path, ...]

    def binary(self, name: str) -> Path:
        return self.bin_dir / name

    @classmethod
    def locate(cls) -> ClusterTools:
        root = Path(os.environ.get("KNSTACK_CLUSTER_TOOLS") or _CHECKOUT_TOOLS)
        bin_dir = root / "bin"
        missing = [b for b in BINARIES if not os.access(bin_dir / b, os.X_OK)]
        stages = tuple(sorted((root / "kwok-stages").glob("*.yaml")))
        if missing or not stages:
            what = ", ".join(missing) if missing else "kwok's stages"
            raise ClusterToolsMissing(
                f"the local cluster tools are not built ({what} missing under {root}): "
                "run scripts/bootstrap.sh cluster (it builds etcd, Kubernetes and kwok from "
                "their Go modules; about 15 minutes cold)"
            )
        return cls(bin_dir, stages)
