"""One local simulated cluster: etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
kwok, on 127.0.0.1, with one fake node whose pods become Running and Ready.

Safety rules this class enforces (the tests check them):
- every server binds 127.0.0.1 (kwok runs no server at all);
- the API server runs without the webhook admission plugins, so it never dials a Service IP
  (Knative's webhooks live at webhook.knative-serving.svc);
- there is no cloud controller: a LoadBalancer Service gets 127.0.0.1 from a kwok stage;
- each process is stopped by the PID it was started with.
Flags: kubernetes cmd/kube-apiserver/app/options, cmd/kube-controller-manager/app/options,
cmd/kube-scheduler/app/options; kwok pkg/kwok/cmd/root.go; etcd server/etcdmain/config.go.
"""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from knstack.cluster import processes
from knstack.cluster.api import ApiError, LocalApi
from knstack.cluster.audit import write_policy
from knstack.cluster.kubeconfig import KubeContext, write_kubeconfig
from knstack.cluster.kwok_stages import SERVICE_LOAD_BALANCER_STAGE, fake_node
from knstack.cluster.pki import ADMIN, ClusterPki, write_cluster_pki
from knstack.cluster.tools import ClusterTools
from knstack.errors import KnstackError

SERVICE_CLUSTER_IP_RANGE = "10.96.0.0/16"
POD_CIDR = "10.244.0.0/16"  # kwok hands out fake pod IPs from it; nothing ever dials them
WEBHOOK_ADMISSION = "MutatingAdmissionWebhook,ValidatingAdmissionWebhook"
# Controllers a simulated cluster cannot use: node IPAM hands out pod CIDRs to real kubelets.
# (The node lifecycle controller stays: it lifts the not-ready taint a new node gets; kwok renews
# the node's Lease as a kubelet would, so the node stays Ready.)
DISABLED_CONTROLLERS = ("nodeipam",)
NODE_LEASE_SECONDS = 40  # a kubelet's default (kubelet config nodeLeaseDurationSeconds)


class ClusterStartError(KnstackError):
    """A local cluster did not come up; the message names the process and quotes its log."""

    exit_code = 1


@dataclass
class ClusterState:
    """What `stop` needs, saved as state.json in the cluster's directory."""

    name: str
    server: str
    kubeconfig: str
    pids: dict[str, int] = field(default_factory=dict)


class LocalCluster:
    """A cluster named `name` whose files (data, PKI, logs, kubeconfig) live in `workdir`."""

    def __init__(
        self, name: str, workdir: Path, tools: ClusterTools, *, detach: bool = False
    ) -> None:
        self.name = name
        self.workdir = workdir
        self.tools = tools
        self.detach = detach
        self.started: list[processes.Started] = []
        self._choose_ports()
        self.kubeconfig = workdir / "kubeconfig"
        self.audit_log = workdir / "logs" / "audit.log"
        self._pki: ClusterPki | None = None

    def _choose_ports(self) -> None:
        etcd_client, etcd_peer, api_port = processes.free_loopback_ports(3)
        self.etcd_url = f"http://{processes.LOOPBACK}:{etcd_client}"
        self.etcd_peer_url = f"http://{processes.LOOPBACK}:{etcd_peer}"
        self.api_port = api_port
        self.server = f"https://{processes.LOOPBACK}:{api_port}"

    # --- paths -------------------------------------------------------------------------
    @property
    def pki(self) -> ClusterPki:
        if self._pki is None:
            raise ClusterStartError(f"cluster {self.name} has not been started")
        return self._pki

    def log(self, process: str) -> Path:
        return self.workdir / "logs" / f"{process}.log"

    def context(self, identity: str = ADMIN) -> KubeContext:
        cert, key = self.pki.clients[identity]
        return KubeContext(self.name, self.server, self.pki.ca_cert, cert, key)

    def api(self) -> LocalApi:
        cert, key = self.pki.clients[ADMIN]
        return LocalApi(processes.LOOPBACK, self.api_port, self.pki.ca_cert, cert, key)

    # --- lifecycle ---------------------------------------------------------------------
    def start(self, timeout: float = 90.0, attempts: int = 3) -> None:
        """Start every process and wait until the fake node is Ready; on failure, stop what
        started and raise ClusterStartError quoting the failing process's log.

        A free port is found by binding port 0 and letting it go, so another process can
        take it before etcd or the API server binds it: that failure is retried on new ports.
        """
        for attempt in range(1, attempts + 1):
            try:
                self._start_once(timeout)
                return
            except ClusterStartError as err:
                if attempt == attempts or "address already in use" not in str(err):
                    raise
                self._choose_ports()
                shutil.rmtree(self.workdir / "etcd", ignore_errors=True)  # a fresh member

    def _start_once(self, timeout: float) -> None:
        (self.workdir / "logs").mkdir(parents=True, exist_ok=True)
        self._pki = write_cluster_pki(self.workdir / "pki", self.name)
        deadline = time.monotonic() + timeout
        try:
            self._spawn("etcd", self._etcd_args())
            self._spawn("kube-apiserver", self._apiserver_args())
            self._wait(deadline, "kube-apiserver", self._api_ready)
            write_kubeconfig(self.kubeconfig, [self.context()])
            for identity, process in (
                ("system:kube-controller-manager", "kube-controller-manager"),
                ("system:kube-scheduler", "kube-scheduler"),
                ("kwok", "kwok"),
            ):
                path = write_kubeconfig(
                    self.workdir / f"{process}.kubeconfig", [self.context(identity)]
                )
                self._spawn(process, self._component_args(process, path))
            self.api().create("/api/v1/nodes", fake_node(f"{self.name}-node"))
            self._wait(deadline, "kwok", self._node_ready)
        except BaseException:
            self.stop()
            raise
        self._save_state()

    def stop(self) -> None:
        """Stop every process this cluster started, newest first, each by its PID. A failure
        to stop one never leaves the others running; the first is raised at the end."""
        failure: BaseException | None = None
        for proc in reversed(self.started):
            try:
                processes.stop(proc.pid)
            except BaseException as err:
                failure = failure or err
        self.started.clear()
        self._save_state()
        if failure is not None:
            raise failure

    def pids(self) -> dict[str, int]:
        return {p.name: p.pid for p in self.started}

    # --- internals ---------------------------------------------------------------------
    def _spawn(self, process: str, args: list[str]) -> None:
        binary = self.tools.binary(process)
        self.started.append(
            processes.start(process, [str(binary), *args], self.log(process), detach=self.detach)
        )

    def _wait(self, deadline: float, process: str, ready: object) -> None:
        assert callable(ready)
        while time.monotonic() < deadline:
            for proc in self.started:
                if not processes.alive(proc.pid):
                    raise ClusterStartError(
                        f"cluster {self.name}: {proc.name} exited while starting; "
                        f"last lines of {proc.log}:\n{processes.log_tail(proc.log)}"
                    )
            if ready():
                return
            time.sleep(0.1)
        log = self.log(process)
        raise ClusterStartError(
            f"cluster {self.name}: {process} was not ready in time; last lines of {log}:\n"
            f"{processes.log_tail(log)}"
        )

    def _api_ready(self) -> bool:
        try:
            status, _ = self.api().request("GET", "/readyz", timeout=2.0)
        except OSError:
            return False
        return status == 200

    def _node_ready(self) -> bool:
        try:
            node = self.api().get_json(f"/api/v1/nodes/{self.name}-node")
        except (ApiError, OSError):
            return False
        conditions = node.get("status", {}).get("conditions") or []
        ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions)
        # Schedulable too: the node lifecycle controller lifts the not-ready taint a new node
        # is created with (kubernetes plugin/pkg/admission/nodetaint).
        return ready and not node.get("spec", {}).get("taints")

    def _save_state(self) -> None:
        state = ClusterState(self.name, self.server, str(self.kubeconfig), self.pids())
        self.workdir.mkdir(parents=True, exist_ok=True)
        (self.workdir / "state.json").write_text(json.dumps(asdict(state), indent=2) + "\n")

    def _etcd_args(self) -> list[str]:
        return [
            f"--name={self.name}",
            f"--data-dir={self.workdir / 'etcd'}",
            f"--listen-client-urls={self.etcd_url}",
            f"--advertise-client-urls={self.etcd_url}",
            f"--listen-peer-urls={self.etcd_peer_url}",
            f"--initial-advertise-peer-urls={self.etcd_peer_url}",
            f"--initial-cluster={self.name}={self.etcd_peer_url}",
            "--unsafe-no-fsync=true",  # a throwaway test store: speed over durability
            "--log-level=warn",
        ]

    def _apiserver_args(self) -> list[str]:
        pki = self.pki
        return [
            f"--etcd-servers={self.etcd_url}",
            f"--bind-address={processes.LOOPBACK}",
            f"--advertise-address={processes.LOOPBACK}",
            f"--secure-port={self.api_port}",
            f"--tls-cert-file={pki.serving_cert}",
            f"--tls-private-key-file={pki.serving_key}",
            f"--client-ca-file={pki.ca_cert}",
            f"--service-account-key-file={pki.service_account_public_key}",
            f"--service-account-signing-key-file={pki.service_account_key}",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-cluster-ip-range={SERVICE_CLUSTER_IP_RANGE}",
            # The `kubernetes` Service's endpoints would be the advertise address, and the
            # reconciler refuses a loopback one; nothing in a local cluster calls it.
            "--endpoint-reconciler-type=none",
            "--authorization-mode=RBAC",
            f"--disable-admission-plugins={WEBHOOK_ADMISSION}",
            "--enable-priority-and-fairness=false",
            f"--audit-policy-file={write_policy(self.workdir / 'audit-policy.json')}",
            f"--audit-log-path={self.audit_log}",
            "--audit-log-format=json",
            "--audit-log-maxbackup=0",
            f"--cert-dir={self.workdir / 'apiserver-certs'}",
            "--profiling=false",
        ]

    def _component_args(self, process: str, kubeconfig: Path) -> list[str]:
        if process == "kwok":
            stages = self.workdir / "kwok-stages.yaml"
            stages.write_text(yaml.safe_dump(SERVICE_LOAD_BALANCER_STAGE, sort_keys=False))
            configs = [*self.tools.kwok_stages, stages]
            return [
                f"--kubeconfig={kubeconfig}",
                "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
                f"--cidr={POD_CIDR}",
                f"--node-ip={processes.LOOPBACK}",
                f"--node-lease-duration-seconds={NODE_LEASE_SECONDS}",
                *(f"--config={c}" for c in configs),
            ]
        common = [
            f"--kubeconfig={kubeconfig}",
            f"--bind-address={processes.LOOPBACK}",
            "--secure-port=0",  # no metrics/health server: nothing to expose
            "--leader-elect=false",
        ]
        if process == "kube-scheduler":
            return common
        return [
            *common,
            "--controllers=*," + ",".join(f"-{c}" for c in DISABLED_CONTROLLERS),
            f"--service-account-private-key-file={self.pki.service_account_key}",
            f"--root-ca-file={self.pki.ca_cert}",
            "--use-service-account-credentials=false",
        ]
