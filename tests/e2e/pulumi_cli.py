"""The real Pulumi CLI, offline, as the tests drive it.

The tools come from `scripts/bootstrap.sh` (`.tools/`); their environment is what
`scripts/tools-env.sh` exports, read by sourcing it. Each test gets its own PULUMI_HOME
(credentials written by `pulumi login`) whose `plugins/` is the bootstrapped one, and its
own file backend. A missing tool is a failure that says how to get it, never a skip.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
TOOLS_ENV = REPO / "scripts" / "tools-env.sh"
BOOTSTRAP_HINT = "run scripts/bootstrap.sh pulumi once (it builds the Pulumi CLI, the Python host and the kubernetes plugin into .tools/)"
# Where the engine would otherwise look for a backend or a cluster: never in these tests.
_AMBIENT = (
    "PULUMI_BACKEND_URL",
    "PULUMI_ACCESS_TOKEN",
    "KUBECONFIG",
    "PULUMI_PYTHON_CMD",
    "KNSTACK_RENDER_DIR",
)


def source_tools_env(base: dict[str, str]) -> dict[str, str]:
    """`base` after `source scripts/tools-env.sh`."""
    if not TOOLS_ENV.is_file():
        pytest.fail(f"{TOOLS_ENV} is missing")
    script = 'source "$1" >/dev/null && env -0'
    done = subprocess.run(
        ["bash", "-c", script, "tools-env", str(TOOLS_ENV)],
        capture_output=True,
        check=False,
        env=base,
    )
    if done.returncode != 0:
        pytest.fail(f"sourcing {TOOLS_ENV} failed: {done.stderr.decode(errors='replace')}")
    return dict(item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)


def tools_environment() -> dict[str, str]:
    """os.environ with scripts/tools-env.sh applied (PATH, PULUMI_HOME, offline switches),
    without anything that would point the engine at a real backend or cluster."""
    env = source_tools_env(dict(os.environ))
    for name in _AMBIENT:
        env.pop(name, None)
    return env


def check_tools(env: dict[str, str]) -> None:
    """Every tool the engine needs, where it will look for it; fail naming what is missing."""
    missing = []
    path = env.get("PATH", "")
    found = {
        name: shutil.which(name, path=path)
        for name in ("pulumi", "pulumi-language-python", "pulumi-analyzer-policy-python")
    }
    missing += [
        f"{name} (not on the PATH tools-env.sh sets)"
        for name, where in found.items()
        if where is None
    ]
    host = found["pulumi-language-python"]
    if host and not (Path(host).parent / "pulumi-language-python-exec").is_file():
        missing.append(f"pulumi-language-python-exec (next to {host})")
    plugin_version = version("pulumi-kubernetes")
    plugin = Path(env.get("PULUMI_HOME", "")) / "plugins" / f"resource-kubernetes-v{plugin_version}"
    if not (plugin / "pulumi-resource-kubernetes").is_file():
        missing.append(f"the kubernetes plugin v{plugin_version} ({plugin})")
    if not (REPO / ".venv" / "bin" / "python").is_file():
        missing.append(f"the project virtualenv ({REPO / '.venv'})")
    if missing:
        pytest.fail("Pulumi tools missing: " + "; ".join(missing) + f". To fix: {BOOTSTRAP_HINT}")


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    def json(self) -> Any:
        return json.loads(self.stdout)

    def events(self) -> list[dict[str, Any]]:
        """Engine events of a streaming JSON preview (one JSON object per line)."""
        return [json.loads(line) for line in self.stdout.splitlines() if line.startswith("{")]


class PulumiCli:
    """`pulumi` in one project, logged in to a private file backend."""

    def __init__(self, project: Path, home: Path, tools_env: dict[str, str]) -> None:
        self.project = project
        plugins = Path(tools_env["PULUMI_HOME"]) / "plugins"
        home.mkdir(parents=True)
        (home / "plugins").symlink_to(plugins, target_is_directory=True)
        self.env = {**tools_env, "PULUMI_HOME": str(home)}
        self.state = home.parent / "state"
        self.state.mkdir()
        self.run("login", f"file://{self.state}")

    def run(
        self,
        *args: str,
        check: bool = True,
        env: dict[str, str] | None = None,
        timeout: float = 600,
    ) -> Result:
        proc = subprocess.Popen(
            ["pulumi", *args, "--non-interactive"],
            cwd=self.project,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            # The engine's plugins and language host run in process groups of their own:
            # left alone they would outlive the test (and spin). Stop each by its PID.
            for pid in [*descendants(proc.pid), proc.pid]:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            stdout, stderr = proc.communicate()
            pytest.fail(
                f"pulumi {' '.join(args)} did not finish in {timeout:.0f} s:\n{(stdout + stderr)[-6000:]}"
            )
        result = Result(proc.returncode, stdout, stderr)
        if check and result.code != 0:
            pytest.fail(f"pulumi {' '.join(args)} exited {result.code}:\n{result.output[-6000:]}")
        return result


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (children first found, grandchildren after), from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found: list[int] = []
    queue = [pid]
    while queue:
        children = parents.get(queue.pop(), [])
        found += children
        queue += children
    return found


def read_objects(
    directory: Path, skip: tuple[str, ...] = ("kustomization.yaml",)
) -> list[dict[str, Any]]:
    """Every object of every YAML file under `directory` (any layout, any file names)."""
    objects: list[dict[str, Any]] = []
    for path in sorted(directory.rglob("*.yaml")):
        if path.name not in skip:
            objects += [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return objects


def object_key(obj: dict[str, Any]) -> tuple[str, str, str, str]:
    meta = obj["metadata"]
    return (obj["apiVersion"], obj["kind"], meta.get("namespace", ""), meta["name"])


def by_key(objects: list[dict[str, Any]]) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    out: dict[tuple[str, str, str, str], dict[str, Any]] = {}
    for obj in objects:
        key = object_key(obj)
        assert key not in out, f"{key} twice"
        out[key] = obj
    return out


# The provider writes built-in kinds as Kubernetes' Go types serialise them: quantities in
# canonical form (1000m -> 1) and empty strings left out (env `value: ""`). The API server
# stores both spellings as the same object; knstack keeps upstream's spelling.
_QUANTITY = re.compile(
    r"^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E))?$"
)
_SUFFIX = {
    "m": Decimal("0.001"), "k": Decimal(10) ** 3, "M": Decimal(10) ** 6, "G": Decimal(10) ** 9,
    "T": Decimal(10) ** 12, "P": Decimal(10) ** 15, "E": Decimal(10) ** 18,
    "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40, "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
}  # fmt: skip


def quantity(value: Any) -> Decimal:
    match = _QUANTITY.match(str(value))
    assert match, f"{value!r} is not a quantity"
    number, exponent, suffix = match.groups()
    scale = Decimal(f"1{exponent}") if exponent else _SUFFIX.get(suffix or "", Decimal(1))
    return Decimal(number) * scale


def kubernetes_form(value: Any, key: str = "") -> Any:
    """`value` as the API server would store it, for the two spellings above."""
    if isinstance(value, dict):
        if key in ("limits", "requests"):
            return {k: str(quantity(v).normalize()) for k, v in value.items()}
        return {
            k: kubernetes_form(v, k)
            for k, v in value.items()
            if not (key == "env" and k == "value" and v == "")
        }
    if isinstance(value, list):
        return [kubernetes_form(v, "env" if key == "env" else "") for v in value]
    return value


def differences(got: list[dict[str, Any]], expected: list[dict[str, Any]]) -> tuple[set, set]:
    """(objects that differ even in Kubernetes' form, objects that differ in spelling only)."""
    have, want = by_key(got), by_key(expected)
    assert set(have) == set(want), f"missing {set(want) - set(have)}, extra {set(have) - set(want)}"
    spelling = {k for k in want if have[k] != want[k]}
    real = {k for k in spelling if kubernetes_form(have[k]) != kubernetes_form(want[k])}
    return real, spelling - real
