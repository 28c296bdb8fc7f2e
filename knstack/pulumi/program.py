"""The Pulumi program: deploy `components/` to every cluster of the selected stack.

`__main__.py` at the project root calls `main()`. The stack name is the environment
(`stacks/Pulumi.<env>.yaml`); the environment is built once (`knstack.build`), and each of
its clusters becomes a `knstack:environment:Cluster` with its own kubernetes provider
(`knstack.pulumi.targets`). Stack outputs: `environment` and `clusters` (per cluster,
its services', configurations' and routes' URLs and traffic tables).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from knstack.build import EnvironmentBuild, build_environment
from knstack.errors import InputError, KnstackError, Problem
from knstack.notices import group_warnings
from knstack.pulumi.components import Cluster, ClusterArgs
from knstack.pulumi.targets import RENDER_DIR_CONFIG, Target, cluster_targets, render_root
from knstack.stack import find_project


def provider_for(target: Target) -> k8s.Provider:
    if target.render_dir is not None:
        return k8s.Provider(target.cluster, render_yaml_to_directory=str(target.render_dir))
    return k8s.Provider(target.cluster, context=target.context)


def check_ledger(build: EnvironmentBuild) -> None:
    """Deploy only revisions the ledger records, so that git alone reproduces a deployment."""
    if not build.appended:
        return
    names = ", ".join(f"{entry.name} ({key})" for key, entry in build.appended)
    raise InputError(
        Problem(
            f"the components define revisions the ledger does not record yet ({names}): run "
            f"`knstack render --stack {build.environment}` and commit the ledger, then run pulumi again",
            file=str(build.ledger_file) if build.ledger_file else None,
        )
    )


@dataclass(frozen=True)
class Deployed:
    target: Target
    component: Cluster


def deploy(
    root: Path,
    env: str,
    render_dir_config: str | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[Deployed]:
    """Register every cluster of environment `env` of the project at `root`."""
    environ = os.environ if environ is None else environ
    project = find_project(root)
    build = build_environment(project, env)
    check_ledger(build)
    render_to = render_root(project.root, render_dir_config, environ)
    targets = cluster_targets(env, build.settings, render_to, environ, project.stack_file(env))
    for warning in group_warnings(build.warnings):
        pulumi.log.warn(warning)
    deployed = []
    for target, cluster_build in zip(targets, build.clusters, strict=True):
        provider = provider_for(target)
        # A cluster's own plan where the build gives one (clusters of a canary wave differ).
        plan = getattr(cluster_build, "plan", None) or build.plan
        component = Cluster(
            target.cluster,
            ClusterArgs(cluster_build, plan),
            pulumi.ResourceOptions(providers=[provider]),
        )
        deployed.append(Deployed(target, component))
    return deployed


def stack_outputs(deployed: list[Deployed]) -> dict[str, Any]:
    """Per cluster: where it went (context or render directory) and its components' outputs."""
    out: dict[str, Any] = {}
    for item in deployed:
        target = item.target
        where = (
            {"renderDir": str(target.render_dir)}
            if target.render_dir
            else {"context": target.context}
        )
        out[target.cluster] = {**where, **item.component.outputs}
    return out


def main(root: Path | None = None) -> dict[str, Any]:
    """Entry point of the Pulumi program (errors are reported without a traceback).

    Returns the `clusters` stack output (for tests; Pulumi ignores it).
    """
    env = pulumi.get_stack()
    config = pulumi.Config()
    try:
        deployed = deploy(root or Path.cwd(), env, config.get(RENDER_DIR_CONFIG))
    except KnstackError as err:
        raise pulumi.RunError(_message(err)) from None
    outputs = stack_outputs(deployed)
    pulumi.export("environment", env)
    pulumi.export("clusters", outputs)
    return outputs


def _message(err: KnstackError) -> str:
    if isinstance(err, InputError):
        return "\n".join(f"error: {problem}" for problem in err.problems)
    return f"error: {err}"
