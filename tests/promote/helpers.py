"""Reading what a promotion wrote: the release state in a stack file, the traffic in the
rendered manifests (HTTPRoute backendRefs, Istio VirtualService routes), every file's bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from knstack.build import build_environment
from knstack.stack import read_project
from knstack.yamlio import load_yaml

REVISION_HEADER = "Knative-Serving-Revision"


def release(project: Path, env: str, service: str = "coffee") -> dict[str, Any] | None:
    data = load_yaml((project / "stacks" / f"Pulumi.{env}.yaml").read_text())
    return (data["config"].get("knstack:releases") or {}).get(service)


def state(project: Path, env: str, service: str = "coffee") -> tuple[Any, ...]:
    """(stable, candidate, wave, stage, rolledBack, status) of a release, for comparisons."""
    r = release(project, env, service) or {}
    return (
        r.get("stable"),
        r.get("candidate"),
        r.get("wave"),
        r.get("stage"),
        tuple(r.get("rolledBack", ())),
        r.get("status", "stable"),
    )


def rendered_traffic(project: Path, env: str, service: str = "coffee") -> dict[str, dict[str, int]]:
    """Per cluster: revision -> weight on the service's default host, read from the
    manifests the build renders (what `knstack render` writes)."""
    build = build_environment(read_project(project), env)
    traffic: dict[str, dict[str, int]] = {}
    for cluster in build.clusters:
        weights: dict[str, int] = {}
        for manifest in cluster.manifests:
            if manifest["metadata"].get("name") != service:
                continue
            if manifest["kind"] == "HTTPRoute":
                host = manifest["spec"]["hostnames"][0]
                for rule in manifest["spec"]["rules"]:
                    for ref in rule["backendRefs"]:
                        revision = _header_of(ref) or _behind(ref["name"], host, cluster.manifests)
                        weights[revision] = weights.get(revision, 0) + ref.get("weight", 1)
            elif manifest["kind"] == "VirtualService":
                host = manifest["spec"]["hosts"][0]
                for http in manifest["spec"]["http"]:
                    for route in http["route"]:
                        headers = route.get("headers", {}).get("request", {}).get("set", {})
                        revision = headers.get(REVISION_HEADER) or _behind(
                            route["destination"]["host"], host, cluster.manifests
                        )
                        weights[revision] = weights.get(revision, 0) + route.get("weight", 100)
        traffic[cluster.name] = {rev: w for rev, w in sorted(weights.items()) if w}
    return traffic


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under `root` (relative path -> content)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _header_of(backend_ref: dict[str, Any]) -> str | None:
    """The revision a Gateway API backendRef names with the Knative-Serving-Revision header."""
    for found in backend_ref.get("filters", []):
        for header in found.get("requestHeaderModifier", {}).get("set", []):
            if header["name"] == REVISION_HEADER:
                return header["value"]
    return None


def _behind(destination: str, host: str, manifests: list[dict[str, Any]]) -> str:
    """The revision a destination reaches: a revision's Service, or (the KEDA HTTP add-on's
    interceptor) the one revision whose HTTPScaledObject serves the host."""
    if "interceptor" not in destination:
        return destination.split(".")[0]
    scaled = [
        m["spec"]["scaleTargetRef"]["service"]
        for m in manifests
        if m["kind"] == "HTTPScaledObject" and host in m["spec"]["hosts"]
    ]
    assert len(scaled) == 1, f"{host}: {scaled}"
    return scaled[0]
