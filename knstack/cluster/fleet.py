"""Several local clusters at once, named as the stacks' contexts name them, with one kubeconfig
holding a context per cluster. `knstack cluster up/down/status` and the tests' fixtures use it.

Layout of a fleet directory: `<dir>/kubeconfig` (every context) and `<dir>/<cluster>/` per
cluster (state.json with its PIDs, logs/, pki/, etcd data).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from knstack.cluster import processes
from knstack.cluster.crds import install_crds
from knstack.cluster.kubeconfig import write_kubeconfig
from knstack.cluster.local import LocalCluster
from knstack.cluster.tools import BINARIES, ClusterTools
from knstack.stack import Project, load_environment


@dataclass
class Fleet:
    directory: Path
    clusters: dict[str, LocalCluster]

    @property
    def kubeconfig(self) -> Path:
        return self.directory / "kubeconfig"

    def stop(self) -> None:
        """Stop every cluster, even when stopping one fails (the first failure is raised)."""
        failure: BaseException | None = None
        for cluster in self.clusters.values():
            try:
                cluster.stop()
            except BaseException as err:
                failure = failure or err
        if failure is not None:
            raise failure


def stack_contexts(project: Project, envs: Iterable[str] | None = None) -> list[str]:
    """The kubeconfig contexts the environments' clusters name (their name when unset)."""
    names: set[str] = set()
    for env in envs or project.environments():
        for cluster in load_environment(project, env).settings.clusters:
            names.add(cluster.context or cluster.name)
    return sorted(names)


def start_fleet(
    names: list[str],
    directory: Path,
    tools: ClusterTools,
    *,
    detach: bool = False,
    crds: bool = True,
    on_ready: Callable[[str], None] | None = None,
) -> Fleet:
    """Start a cluster per name (in parallel), install the CRDs, write the kubeconfig."""
    directory.mkdir(parents=True, exist_ok=True)
    fleet = Fleet(
        directory, {n: LocalCluster(n, directory / n, tools, detach=detach) for n in names}
    )

    def bring_up(cluster: LocalCluster) -> None:
        cluster.start()
        if crds:
            install_crds(tools.binary("kubectl"), cluster.kubeconfig, cluster.name, cluster.workdir)
        if on_ready:
            on_ready(cluster.name)

    try:
        with ThreadPoolExecutor(max_workers=max(1, len(names))) as pool:
            for future in [pool.submit(bring_up, c) for c in fleet.clusters.values()]:
                future.result()
    except BaseException:
        fleet.stop()
        raise
    write_kubeconfig(fleet.kubeconfig, [c.context() for c in fleet.clusters.values()])
    return fleet


def installed_namespaces(
    project: Project, envs: Iterable[str] | None = None
) -> dict[str, list[str]]:
    """Per context: the namespaces the environments' renders write into but do not create,
    which a real cluster has from its gateway's and KEDA's installs (e.g. gateway-system)."""
    from knstack.build import build_environment

    wanted: dict[str, set[str]] = {}
    for env in envs or project.environments():
        for cluster in build_environment(project, env).clusters:
            used = {o["metadata"].get("namespace") for o in cluster.manifests} - {None, ""}
            made = {o["metadata"]["name"] for o in cluster.manifests if o["kind"] == "Namespace"}
            context = cluster.settings.context or cluster.name
            wanted.setdefault(context, set()).update(used - made)
    return {context: sorted(names) for context, names in sorted(wanted.items())}


def create_namespaces(fleet: Fleet, namespaces: dict[str, list[str]]) -> None:
    for context, names in namespaces.items():
        cluster = fleet.clusters.get(context)
        if cluster is None:
            continue
        for name in names:
            namespace = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
            cluster.api().create("/api/v1/namespaces", namespace)


@dataclass(frozen=True)
class ClusterRecord:
    """A cluster of a fleet directory as its state file describes it."""

    name: str
    server: str
    pids: dict[str, int]
    running: dict[str, bool]


def read_fleet(directory: Path) -> list[ClusterRecord]:
    records = []
    for state_file in sorted(directory.glob("*/state.json")):
        state = json.loads(state_file.read_text())
        pids = {k: int(v) for k, v in state.get("pids", {}).items()}
        running = {k: _is_cluster_process(pid) for k, pid in pids.items()}
        records.append(ClusterRecord(state["name"], state["server"], pids, running))
    return records


def stop_fleet(directory: Path) -> list[str]:
    """Stop every process the fleet's state files list (each by PID, only if that PID still
    runs one of the cluster binaries); returns the clusters stopped."""
    stopped = []
    for record in read_fleet(directory):
        for name in reversed(list(record.pids)):
            if record.running[name]:
                processes.stop(record.pids[name])
        state_file = directory / record.name / "state.json"
        state = json.loads(state_file.read_text())
        state["pids"] = {}
        state_file.write_text(json.dumps(state, indent=2) + "\n")
        stopped.append(record.name)
    return stopped


def _is_cluster_process(pid: int) -> bool:
    """Whether `pid` runs one of the cluster binaries (a recycled PID must not be signalled)."""
    if not processes.alive(pid):
        return False
    try:
        exe = os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return False
    return os.path.basename(exe).removesuffix(" (deleted)") in BINARIES
