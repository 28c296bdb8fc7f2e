"""`knstack cluster up|down|status`: local simulated clusters to try knstack without one.

up starts a cluster per kubeconfig context the stacks name (etcd, the Kubernetes control plane
and kwok, all on 127.0.0.1; see knstack.cluster), installs the CRDs knstack's output needs,
creates the namespaces a gateway's and KEDA's installs would have (keda, ...)
and writes one kubeconfig. down stops them by PID. Exit codes: 0 ok, 1 a cluster failed to start,
2 bad input (an unknown stack) or the tools are not built.
"""

from __future__ import annotations

from pathlib import Path

import typer

from knstack.cli.app import PROJECT_DIR_OPTION, app, open_project, quiet, stderr, stdout

cluster_app = typer.Typer(
    name="cluster",
    help="Local simulated clusters (built from Go modules, loopback only) to try knstack on.",
    no_args_is_help=True,
)
app.add_typer(cluster_app)

DIR_OPTION = typer.Option(
    None,
    "--dir",
    help="Where the clusters' files and kubeconfig live. Default: .knstack/clusters in the project.",
)


def _fleet_dir(directory: Path | None, project_dir: Path | None) -> Path:
    if directory is not None:
        return directory.resolve()
    return open_project(project_dir).root / ".knstack" / "clusters"


@cluster_app.command("up")
def up(
    names: list[str] = typer.Argument(
        None, help="Cluster (context) names. Default: every one the stacks name."
    ),
    stack: list[str] = typer.Option(
        [], "--stack", "-s", help="Only the clusters of these environments (repeatable)."
    ),
    directory: Path | None = DIR_OPTION,
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Start local clusters named as the stacks' contexts; print the KUBECONFIG to use."""
    from knstack.errors import require_extra

    require_extra("cryptography", "cluster", "knstack cluster up")
    from knstack.cluster.fleet import (
        create_namespaces,
        installed_namespaces,
        read_fleet,
        stack_contexts,
        start_fleet,
    )
    from knstack.cluster.tools import ClusterTools

    tools = ClusterTools.locate()
    root = _fleet_dir(directory, project_dir)
    project = open_project(project_dir)
    wanted = list(names or []) or stack_contexts(project, stack or None)
    # What the gateway's and KEDA's installs would have made (built before starting anything,
    # so a broken stack fails fast).
    namespaces = installed_namespaces(project, stack or None)
    running = {r.name for r in read_fleet(root) if r.running and all(r.running.values())}
    clash = sorted(running & set(wanted))
    if clash:
        stderr.print(
            f"[red]error:[/red] already running in {root}: {', '.join(clash)} (knstack cluster down first)"
        )
        return 2
    with stderr.status(
        f"starting {len(wanted)} local cluster(s): {', '.join(wanted)}", spinner="dots"
    ) as status:
        fleet = start_fleet(
            wanted,
            root,
            tools,
            detach=True,
            on_ready=lambda n: status.console.print(f"✓ {n} ready"),
        )
    create_namespaces(fleet, namespaces)
    for name, cluster in fleet.clusters.items():
        typer.echo(f"{name}\t{cluster.server}")
    if not quiet():
        stderr.print(f"export KUBECONFIG={fleet.kubeconfig}")
    return 0


@cluster_app.command("down")
def down(
    directory: Path | None = DIR_OPTION,
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Stop the local clusters `up` started (each process by its PID)."""
    from knstack.cluster.fleet import stop_fleet

    stopped = stop_fleet(_fleet_dir(directory, project_dir))
    stdout.print(f"stopped {len(stopped)} cluster(s){': ' + ', '.join(stopped) if stopped else ''}")
    return 0


@cluster_app.command("status")
def status(
    directory: Path | None = DIR_OPTION,
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Each local cluster: its API server and whether its processes run."""
    from knstack.cluster.fleet import read_fleet

    for record in read_fleet(_fleet_dir(directory, project_dir)):
        up_count = sum(record.running.values())
        state = (
            "running"
            if record.pids and up_count == len(record.pids)
            else (
                "stopped"
                if up_count == 0
                else f"degraded ({up_count}/{len(record.pids)} processes)"
            )
        )
        typer.echo(f"{record.name}\t{record.server}\t{state}")
    return 0
