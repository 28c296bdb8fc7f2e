"""Local-cluster benchmark: how long a simulated cluster takes to be ready, and how long
`pulumi up` (the real engine and kubernetes provider) takes per example environment on it.

For each environment: fresh clusters named as its stack names them (started in parallel),
then `pulumi up`, a no-op `pulumi preview` and `pulumi destroy`, each timed. Prints one row
per environment. Usage (after `scripts/bootstrap.sh tests`):
    .venv/bin/python bench/cluster_bench.py [ENV ...]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from knstack.build import build_environment
from knstack.cluster.fleet import start_fleet
from knstack.cluster.tools import ClusterTools
from knstack.stack import read_project

REPO = Path(__file__).resolve().parent.parent
CONTEXTS = {
    "test": ["test-1"],
    "staging": ["staging-eu"],
    "prod": ["prod-eu", "prod-us"],
    "lab": ["lab-1"],
}


def tools_env() -> dict[str, str]:
    script = f'source "{REPO / "scripts" / "tools-env.sh"}" >/dev/null && env -0'
    out = subprocess.run(["bash", "-c", script], capture_output=True, check=True).stdout.decode()
    env = dict(item.split("=", 1) for item in out.split("\0") if "=" in item)
    for name in ("PULUMI_BACKEND_URL", "PULUMI_ACCESS_TOKEN", "KUBECONFIG", "KNSTACK_RENDER_DIR"):
        env.pop(name, None)
    return env


def timed(args: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.monotonic()
    done = subprocess.run(
        [*args, "--non-interactive"], cwd=cwd, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{(done.stdout + done.stderr)[-3000:]}")
    return time.monotonic() - start


def project_copy(tmp: Path) -> Path:
    root = tmp / "project"
    root.mkdir(parents=True)
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy2(REPO / name, root / name)
    for folder in ("components", "stacks"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    (root / ".venv").symlink_to(REPO / ".venv", target_is_directory=True)
    return root


def bench(env_name: str, tools: ClusterTools, base_env: dict[str, str], tmp: Path) -> None:
    root = project_copy(tmp / env_name)
    start = time.monotonic()
    fleet = start_fleet(CONTEXTS[env_name], tmp / env_name / "clusters", tools)
    ready = time.monotonic() - start
    try:
        objects = sum(
            len(c.manifests) for c in build_environment(read_project(root), env_name).clusters
        )
        for cluster in build_environment(read_project(root), env_name).clusters:
            used = {o["metadata"].get("namespace") for o in cluster.manifests} - {None}
            made = {o["metadata"]["name"] for o in cluster.manifests if o["kind"] == "Namespace"}
            for namespace in sorted(used - made):  # what the gateway's and KEDA's installs bring
                subprocess.run(
                    [str(tools.binary("kubectl")), f"--kubeconfig={fleet.kubeconfig}",
                     f"--context={cluster.name}", "create", "namespace", namespace],
                    check=True, capture_output=True,
                )  # fmt: skip
        env = {
            **base_env,
            "PULUMI_HOME": str(tmp / env_name / "home"),
            "KUBECONFIG": str(fleet.kubeconfig),
        }
        (tmp / env_name / "home").mkdir()
        (tmp / env_name / "home" / "plugins").symlink_to(Path(base_env["PULUMI_HOME"]) / "plugins")
        (tmp / env_name / "state").mkdir()
        timed(["pulumi", "login", f"file://{tmp / env_name / 'state'}"], root, env)
        timed(["pulumi", "stack", "init", env_name], root, env)
        up = timed(["pulumi", "up", "--stack", env_name, "--yes", "--skip-preview"], root, env)
        preview = timed(
            ["pulumi", "preview", "--stack", env_name, "--expect-no-changes"], root, env
        )
        destroy = timed(
            ["pulumi", "destroy", "--stack", env_name, "--yes", "--skip-preview"], root, env
        )
    finally:
        fleet.stop()
    print(
        f"{env_name:8} {len(CONTEXTS[env_name]):>8} {objects:>7} {ready:>9.1f} {up:>7.1f} {preview:>9.1f} {destroy:>9.1f}"
    )


def main() -> None:
    envs = sys.argv[1:] or list(CONTEXTS)
    tools = ClusterTools.locate()
    base_env = tools_env()
    os.environ.pop("KUBECONFIG", None)
    print(
        f"{'env':8} {'clusters':>8} {'objects':>7} {'ready (s)':>9} {'up (s)':>7} {'no-op (s)':>9} {'destroy':>9}"
    )
    with tempfile.TemporaryDirectory(prefix="knstack-cluster-bench-") as tmp:
        for env_name in envs:
            bench(env_name, tools, base_env, Path(tmp))


if __name__ == "__main__":
    main()
