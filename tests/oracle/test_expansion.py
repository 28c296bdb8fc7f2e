"""Field by field: for Services both judges admit, knstack's Kubernetes backend must make what
Knative's builders make (tools/knative-oracle: MakeRevision, MakeDeployment, MakePA, MakeHPA,
and the route's host),
apart from the differences by design listed once below with their reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from knstack.build import EnvironmentBuild, build_files
from knstack.errors import InputError
from knstack.expand.routing.hosts import cluster_local_host, default_host
from knstack.stack.settings import StackSettings
from tests.oracle.generator import Case, sample_cases
from tests.oracle.judges import find_oracle, knative_verdicts, knstack_verdict

# Differences by design (each applies to every case):
# - queue-proxy: knstack's backend runs no queue-proxy sidecar (docs/backends.md), so the
#   user container keeps its readiness probe (Knative moves it into queue-proxy:
#   knative/serving pkg/reconciler/revision/resources/queue.go) and has no preStop hook
#   draining through queue-proxy (pkg/reconciler/revision/resources/deploy.go).
# - securityContext: knstack applies Pod Security "restricted" defaults; Knative 1.23 only
#   does with config-features secure-pod-defaults (pkg/apis/serving/v1/revision_defaults.go).
# - labels serving.knative.dev/deployment-hash and revisionUID: the reconciler's runtime
#   identity of the Revision object, which knstack's output (no Revision object) lacks.
# - replicas: Knative's Deployment starts at 1 and its autoscaler (or the HPA) scales it;
#   knstack's backend starts at the revision's min-scale, or leaves replicas to the HPA.
# - ports: knstack writes the default protocol TCP explicitly.
IGNORED_LABELS = ("serving.knative.dev/deployment-hash", "serving.knative.dev/revisionUID")
CONTAINER_FIELDS = ("image", "env", "envFrom", "resources", "volumeMounts", "livenessProbe")


def _ports(ports: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    return [{k: v for k, v in p.items() if k != "protocol"} for p in ports or []]


def _differences(case: Case, built: dict[str, Any], manifests: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []

    def compare(field: str, knative: Any, knstack: Any) -> None:
        if knative != knstack:
            found.append(f"{case.id}: {field}: Knative {knative!r}, knstack {knstack!r}")

    want = built["deployment"]
    got = next(m for m in manifests if m["kind"] == "Deployment")
    compare("deployment name", want["metadata"]["name"], got["metadata"]["name"])
    labels = {k: v for k, v in want["metadata"]["labels"].items() if k not in IGNORED_LABELS}
    compare("deployment labels", labels, got["metadata"]["labels"])
    scaled = "hpa" in built or "ann-min-scale" in case.mutations
    if not scaled:
        compare("replicas", want["spec"].get("replicas"), got["spec"].get("replicas"))
    want_pod, got_pod = want["spec"]["template"]["spec"], got["spec"]["template"]["spec"]
    compare(
        "terminationGracePeriodSeconds",
        want_pod.get("terminationGracePeriodSeconds"),
        got_pod.get("terminationGracePeriodSeconds"),
    )
    user = [c for c in want_pod["containers"] if c["name"] != "queue-proxy"]
    compare("containers", [c["name"] for c in user], [c["name"] for c in got_pod["containers"]])
    for knative_c, knstack_c in zip(user, got_pod["containers"], strict=False):
        for field in CONTAINER_FIELDS:
            compare(field, knative_c.get(field) or None, knstack_c.get(field) or None)
        compare("ports", _ports(knative_c.get("ports")), _ports(knstack_c.get("ports")))
    if "hpa" in built:
        hpas = [m for m in manifests if m["kind"] == "HorizontalPodAutoscaler"]
        compare("HPA made", True, bool(hpas))
        for field in ("minReplicas", "maxReplicas", "metrics", "scaleTargetRef"):
            compare(f"hpa {field}", built["hpa"]["spec"].get(field), hpas[0]["spec"].get(field))
    return found


def _host_differences(case: Case, built: dict[str, Any], build: EnvironmentBuild) -> list[str]:
    """The route's host (MakeRoute, then domains.DomainNameFromTemplate)."""
    [route] = build.plan.routes
    cluster = build.clusters[0].settings
    host = (
        cluster_local_host(route.name, route.namespace)
        if route.cluster_local
        else default_host(route, cluster.domain)
    )
    if built.get("hosts") != [host]:
        return [f"{case.id}: hosts: Knative {built.get('hosts')!r}, knstack {[host]!r}"]
    return []


@pytest.fixture(scope="module")
def admitted_services() -> list[Case]:
    return [
        c
        for c in sample_cases(1500)
        if c.document["kind"] == "Service" and knstack_verdict(c.document).accepted
    ]


def test_accepted_services_expand_as_knative_builds_them(
    admitted_services: list[Case], tmp_path: Path
) -> None:
    oracle = find_oracle()
    assert oracle is not None, "knative-oracle is not built (scripts/bootstrap-tools.sh tests)"
    # Knative's hosts under the domain knstack's default settings use.
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"config-domain": {StackSettings().domain: ""}}))
    verdicts = knative_verdicts(oracle, [c.document for c in admitted_services], config)
    differences: list[str] = []
    compared = 0
    for index, (case, verdict) in enumerate(zip(admitted_services, verdicts, strict=True)):
        if not verdict.accepted:
            continue  # a listed accept/reject difference (test_differential.py)
        assert not verdict.build_error, verdict.build_error
        source = tmp_path / f"case-{index}.yaml"
        source.write_text(yaml.safe_dump(case.document), encoding="utf-8")
        try:
            build = build_files([source])
        except InputError:
            continue  # traffic naming a revision knstack's ledger does not hold
        compared += 1
        differences += _differences(case, verdict.built, build.clusters[0].manifests)
        differences += _host_differences(case, verdict.built, build)
    assert compared >= 50
    assert differences == []
