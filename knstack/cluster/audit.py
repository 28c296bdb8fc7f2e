"""The API server's audit log of a local cluster: which writes happened, by whom, in what order.

Writes are logged at the Metadata level (no request bodies, so no secret reaches the log); the
order of events is how the tests check that a route change lands before the workload it stops
using is deleted. Event shape: k8s.io/apiserver pkg/apis/audit/v1 (Event).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

WRITE_VERBS = ("create", "update", "patch", "delete", "deletecollection")


def write_policy(path: Path) -> Path:
    """An audit policy that records every write at Metadata level and nothing else."""
    policy = {
        "apiVersion": "audit.k8s.io/v1",
        "kind": "Policy",
        "omitStages": ["RequestReceived"],
        "rules": [
            {"level": "Metadata", "verbs": list(WRITE_VERBS)},
            {"level": "None"},
        ],
    }
    path.write_text(json.dumps(policy, indent=2) + "\n")
    return path


@dataclass(frozen=True)
class ApiWrite:
    """One completed write request, as the audit log records it."""

    verb: str
    resource: str  # plural, e.g. "deployments", "httproutes"
    namespace: str
    name: str
    user: str
    code: int
    at: str  # stageTimestamp, RFC 3339 with microseconds (sorts as text)
    dry_run: bool


def read_writes(log: Path) -> list[ApiWrite]:
    """Every write that reached ResponseComplete, in the order the API server finished them."""
    writes: list[ApiWrite] = []
    if not log.exists():
        return writes
    for line in log.read_text().splitlines():
        event = json.loads(line)
        if event.get("stage") != "ResponseComplete" or event.get("verb") not in WRITE_VERBS:
            continue
        ref = event.get("objectRef") or {}
        writes.append(
            ApiWrite(
                verb=event["verb"],
                resource=ref.get("resource", ""),
                namespace=ref.get("namespace", ""),
                name=ref.get("name", ""),
                user=(event.get("user") or {}).get("username", ""),
                code=int((event.get("responseStatus") or {}).get("code", 0)),
                at=event.get("stageTimestamp", ""),
                dry_run="dryRun=All" in event.get("requestURI", ""),
            )
        )
    writes.sort(key=lambda w: w.at)
    return writes
