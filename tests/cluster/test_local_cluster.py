"""The local simulated clusters themselves: safe (loopback only, no webhook dials), real (a
Deployment becomes Available), and as a user starts and stops them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from knstack.cli import main as knstack_main
from knstack.cluster.crds import CLUSTER_CRD_PROJECTS, cluster_crds, without_conversion_webhook
from knstack.cluster.fleet import Fleet, read_fleet
from knstack.cluster.tools import ClusterTools
from knstack.validate.bundled_crds import bundled_crd_files
from tests.cluster.conftest import EXAMPLE_CONTEXTS
from tests.cluster.kubectl import Kubectl
from tests.cluster.sockets import listening_addresses

REPO = Path(__file__).resolve().parents[2]
# A "dial tcp <address>" the API server logs when it reaches out (webhooks, aggregated APIs).
_DIAL = re.compile(r"dial tcp ([0-9a-fA-F.:\[\]]+):\d+")


def kubernetes_version() -> str:
    text = (REPO / "tools" / "kubernetes" / "go.mod").read_text()
    match = re.search(r"k8s\.io/kubernetes (v\d+\.\d+\.\d+)", text)
    assert match
    return match.group(1)


def kubectl(fleet: Fleet, tools: ClusterTools, context: str) -> Kubectl:
    return Kubectl(tools.binary("kubectl"), fleet.kubeconfig, context)


def test_kubeconfig_has_a_context_per_example_cluster(
    fleet: Fleet, cluster_tools: ClusterTools
) -> None:
    config = yaml.safe_load(fleet.kubeconfig.read_text())
    assert sorted(c["name"] for c in config["contexts"]) == EXAMPLE_CONTEXTS
    servers = {c["cluster"]["server"] for c in config["clusters"]}
    assert len(servers) == len(EXAMPLE_CONTEXTS)  # separate API servers, one per cluster
    assert all(s.startswith("https://127.0.0.1:") for s in servers)
    version = kubectl(fleet, cluster_tools, "prod-us").run("version", "-o", "yaml").stdout
    reported = yaml.safe_load(version)
    assert reported["clientVersion"]["gitVersion"] == kubernetes_version()
    assert reported["serverVersion"]["gitVersion"] == kubernetes_version()


def test_every_server_listens_on_loopback_only(fleet: Fleet) -> None:
    for cluster in fleet.clusters.values():
        pids = cluster.pids()
        assert set(pids) == {
            "etcd",
            "kube-apiserver",
            "kube-controller-manager",
            "kube-scheduler",
            "kwok",
        }
        for process, pid in pids.items():
            addresses = listening_addresses(pid)
            if process in ("etcd", "kube-apiserver"):
                assert addresses, f"{cluster.name}/{process} listens nowhere?"
            outside = [a for a in addresses if not a.startswith("127.0.0.1:")]
            assert not outside, f"{cluster.name}/{process} listens on {outside}"


def test_api_server_never_dials_a_webhook(
    fleet: Fleet, cluster_tools: ClusterTools, tmp_path: Path
) -> None:
    """A webhook configuration like Knative's is stored, and a matching write succeeds
    without the API server ever dialling its Service (webhook admission is off)."""
    cluster = fleet.clusters["lab-1"]
    k = kubectl(fleet, cluster_tools, "lab-1")
    webhook = {
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": "dial-probe.knstack.dev"},
        "webhooks": [
            {
                "name": "dial-probe.knstack.dev",
                "admissionReviewVersions": ["v1"],
                "sideEffects": "None",
                "failurePolicy": "Fail",
                "clientConfig": {"service": {"name": "webhook", "namespace": "knative-serving"}},
                "rules": [
                    {
                        "apiGroups": [""],
                        "apiVersions": ["v1"],
                        "operations": ["CREATE"],
                        "resources": ["configmaps"],
                    }
                ],
            }
        ],
    }
    k.run("apply", "--server-side", "-f", "-", stdin=yaml.safe_dump(webhook))
    k.run("create", "configmap", "dial-probe", "--from-literal=a=b", "-n", "default")
    k.run("delete", "configmap", "dial-probe", "-n", "default")
    k.run("delete", "validatingwebhookconfiguration", "dial-probe.knstack.dev")
    cmdline = Path(f"/proc/{cluster.pids()['kube-apiserver']}/cmdline").read_bytes().split(b"\0")
    assert (
        b"--disable-admission-plugins=MutatingAdmissionWebhook,ValidatingAdmissionWebhook"
        in cmdline
    )
    for each in fleet.clusters.values():
        log = each.log("kube-apiserver").read_text(errors="replace")
        dials = {m.group(1) for m in _DIAL.finditer(log)}
        assert dials <= {"127.0.0.1", "[::1]", "localhost"}, f"{each.name} dialled {dials}"


def test_a_deployment_becomes_available_and_a_load_balancer_gets_loopback(
    fleet: Fleet, cluster_tools: ClusterTools
) -> None:
    k = kubectl(fleet, cluster_tools, "test-1")
    k.run("create", "namespace", "probe-available")
    k.run(
        "create",
        "deployment",
        "web",
        "--image=registry.example/web:1",
        "--replicas=2",
        "-n",
        "probe-available",
    )
    k.run(
        "wait",
        "--for=condition=Available",
        "deployment/web",
        "-n",
        "probe-available",
        "--timeout=60s",
    )
    pods = k.get("pods", "-n", "probe-available")["items"]
    assert len(pods) == 2
    assert all(p["status"]["phase"] == "Running" for p in pods)
    k.run("create", "service", "loadbalancer", "web", "--tcp=80:8080", "-n", "probe-available")
    k.run(
        "wait", "--for=jsonpath={.status.loadBalancer.ingress[0].ip}=127.0.0.1",
        "service/web", "-n", "probe-available", "--timeout=30s",
    )  # fmt: skip
    k.run("delete", "namespace", "probe-available", "--wait=false")


def test_crds_are_installed_without_conversion_webhooks(
    fleet: Fleet, cluster_tools: ClusterTools
) -> None:
    crds = kubectl(fleet, cluster_tools, "prod-eu").get("crds")["items"]
    installed = {c["metadata"]["name"] for c in crds}
    expected = {c["metadata"]["name"] for c in cluster_crds()}
    assert expected <= installed
    assert {
        "httproutes.gateway.networking.k8s.io",
        "scaledobjects.keda.sh",
        "virtualservices.networking.istio.io",
        "httpscaledobjects.http.keda.sh",
    } <= installed
    assert all((c["spec"].get("conversion") or {}).get("strategy") != "Webhook" for c in crds)


def test_conversion_webhooks_are_removed_from_test_copies() -> None:
    tekton = [p for p in bundled_crd_files(["tekton-pipeline"]) if "webhook" in p.read_text()]
    assert tekton, "expected upstream Tekton CRDs with a conversion webhook to test against"
    for doc in yaml.safe_load_all(tekton[0].read_text()):
        if doc and (doc["spec"].get("conversion") or {}).get("strategy") == "Webhook":
            assert without_conversion_webhook(doc)["spec"]["conversion"] == {"strategy": "None"}
            assert doc["spec"]["conversion"]["strategy"] == "Webhook"  # the original is untouched
            break
    else:
        pytest.fail("no CRD with a conversion webhook found")
    assert "tekton-pipeline" not in CLUSTER_CRD_PROJECTS


def test_cluster_cli_up_status_down(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "clusters"
    assert knstack_main(["cluster", "up", "test-1", "--dir", str(directory), "-C", str(REPO)]) == 0
    out = capsys.readouterr()
    assert f"export KUBECONFIG={directory / 'kubeconfig'}" in out.err
    [record] = read_fleet(directory)
    try:
        assert record.name == "test-1" and all(record.running.values())
        # The namespaces test's render writes into but a gateway's and KEDA's installs make.
        kubectl_test = Kubectl(
            ClusterTools.locate().binary("kubectl"), directory / "kubeconfig", "test-1"
        )
        names = {n["metadata"]["name"] for n in kubectl_test.get("namespaces")["items"]}
        assert "keda" in names  # the KEDA HTTP add-on's ReferenceGrant lives there
        assert (
            knstack_main(["cluster", "up", "test-1", "--dir", str(directory), "-C", str(REPO)]) == 2
        )
        assert "already running" in capsys.readouterr().err
        assert knstack_main(["cluster", "status", "--dir", str(directory), "-C", str(REPO)]) == 0
        assert "test-1\thttps://127.0.0.1:" in capsys.readouterr().out
    finally:
        assert knstack_main(["cluster", "down", "--dir", str(directory), "-C", str(REPO)]) == 0
    assert "stopped 1 cluster(s): test-1" in capsys.readouterr().out
    [after] = read_fleet(directory)
    assert not any(after.running.values())
    assert knstack_main(["cluster", "status", "--dir", str(directory), "-C", str(REPO)]) == 0
    assert "stopped" in capsys.readouterr().out


def test_missing_tools_are_named_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("KNSTACK_CLUSTER_TOOLS", str(tmp_path / "nothing"))
    assert (
        knstack_main(["cluster", "up", "test-1", "--dir", str(tmp_path / "c"), "-C", str(REPO)])
        == 2
    )
    err = capsys.readouterr().err
    assert "scripts/bootstrap.sh cluster" in err and "kube-apiserver" in err
    assert "Traceback" not in err


def test_a_port_taken_before_the_api_server_binds_it_is_retried(
    cluster_tools: ClusterTools, tmp_path: Path
) -> None:
    """Free ports are found by binding port 0 and letting go; another process can take one
    first (two xdist workers starting fleets at once). The cluster retries on new ports."""
    import socket

    from knstack.cluster.local import LocalCluster

    cluster = LocalCluster("retry-1", tmp_path / "retry-1", cluster_tools)
    taken = cluster.api_port
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", taken))
        holder.listen()
        try:
            cluster.start()
            assert cluster.api_port != taken
            assert cluster.api().get_json("/api/v1/nodes")["items"]
            log = cluster.log("kube-apiserver").read_text(encoding="utf-8")
            assert "address already in use" in log  # the first attempt did meet the taken port
        finally:
            cluster.stop()
