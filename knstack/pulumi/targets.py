"""Where each cluster's objects go: a kubeconfig context, or a directory for GitOps.

One kubernetes provider per cluster of the environment. By default it talks to the
cluster through the kubeconfig context the stack names (`knstack:clusters[].context`).
In render mode the provider writes YAML instead (pulumi-kubernetes'
`renderYamlToDirectory`): to `<renderDir>/<env>/<cluster>/`, laid out as `knstack render
--out <renderDir>` lays out its own output. Render mode is asked for by
`KNSTACK_RENDER_DIR` (wins) or the stack's project config `renderDir`
(`pulumi config set renderDir out/pulumi`); relative paths are taken from the project root.
Pure logic here; `knstack.pulumi.program` makes the providers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from knstack.errors import InputError, Problem
from knstack.stack.settings import StackSettings

RENDER_DIR_ENV = "KNSTACK_RENDER_DIR"
RENDER_DIR_CONFIG = "renderDir"  # in the project's config namespace: <project>:renderDir


@dataclass(frozen=True)
class Target:
    cluster: str
    context: str | None = None  # kubeconfig context (None: the kubeconfig's current one)
    render_dir: Path | None = None  # render mode: write YAML here, touch no cluster


def render_root(root: Path, config_value: str | None, environ: Mapping[str, str]) -> Path | None:
    """The directory render mode writes under, or None to deploy to clusters."""
    value = environ.get(RENDER_DIR_ENV) or config_value
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else (root / path)


def cluster_targets(
    env: str,
    settings: StackSettings,
    render_to: Path | None,
    environ: Mapping[str, str],
    stack_file: Path,
) -> list[Target]:
    """One target per cluster of the environment, checked before anything is registered."""
    if render_to is not None:
        if environ.get("KUBECONFIG"):
            # pulumi-kubernetes refuses it: "kubeconfig arg is not compatible with renderYamlToDirectory".
            raise InputError(
                Problem(
                    "KUBECONFIG is set, and the kubernetes provider refuses a kubeconfig in render mode "
                    f"({RENDER_DIR_ENV} or {RENDER_DIR_CONFIG}): unset KUBECONFIG for rendering",
                )
            )
        base = render_to.resolve() / env
        return [Target(c.name, render_dir=base / c.name) for c in settings.clusters]
    if len(settings.clusters) > 1:
        problems = [
            Problem(
                "a kubeconfig context is required when the environment has several clusters "
                "(each cluster gets its own provider)",
                file=str(stack_file),
                obj=f"stack {env}",
                field=f'config."knstack:clusters"[{i}].context',
            )
            for i, c in enumerate(settings.clusters)
            if not c.context
        ]
        if problems:
            raise InputError(problems)
    return [Target(c.name, context=c.context) for c in settings.clusters]
