"""kubectl, the bootstrapped one, against a fleet's kubeconfig, as the cluster tests run it."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class Kubectl:
    binary: Path
    kubeconfig: Path
    context: str

    def run(
        self, *args: str, check: bool = True, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [
                str(self.binary),
                f"--kubeconfig={self.kubeconfig}",
                f"--context={self.context}",
                *args,
            ],
            capture_output=True,
            text=True,
            input=stdin,
            timeout=180,
            check=False,
        )
        if check and done.returncode != 0:
            pytest.fail(
                f"kubectl {' '.join(args)} exited {done.returncode}:\n{done.stderr[-4000:]}"
            )
        return done

    def get(self, *args: str) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.run("get", *args, "-o", "json").stdout)
        return result
