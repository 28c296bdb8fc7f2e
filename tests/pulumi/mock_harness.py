"""Run the Pulumi program under Pulumi's mocks and record every registration.

`pulumi.runtime.set_mocks` (tooling facts A4) swaps the engine for an in-process monitor;
this one also records what a mock's `new_resource` does not see: the parent URN, the
explicit dependencies and the provider reference of each registration. Every run gets a
fresh monitor and config, so stacks do not leak into each other.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockMonitor

from knstack.cli import main as knstack_main

PROVIDER_TYPE = "pulumi:providers:kubernetes"
CLUSTER_TYPE = "knstack:environment:Cluster"
PLATFORM_TYPE = "knstack:platform:KnativeServing"
SERVICE_TYPE = "knstack:serving:Service"
CONFIGURATION_TYPE = "knstack:serving:Configuration"
ROUTE_TYPE = "knstack:serving:Route"


@dataclass
class Registration:
    type: str
    name: str
    urn: str
    parent: str
    provider: str
    custom: bool
    dependencies: list[str]
    inputs: dict[str, Any] = field(default_factory=dict)

    @property
    def is_object(self) -> bool:
        """A Kubernetes object (not a provider, not a component)."""
        return self.custom and self.type.startswith("kubernetes:")


class _Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        # Registrations arrive on several threads: key the inputs, do not rely on order.
        self.inputs: dict[tuple[str, str], dict[str, Any]] = {}

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.inputs[(args.typ, args.name)] = dict(args.inputs)
        return f"{args.name}-id", args.inputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> dict[str, Any]:
        return {}


class RecordingMonitor(MockMonitor):
    def __init__(self) -> None:
        self.recorder = _Mocks()
        super().__init__(self.recorder)
        self.registrations: list[Registration] = []
        self._lock = threading.Lock()

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        inputs = self.recorder.inputs.get((request.type, request.name), {})
        registration = Registration(
            type=request.type,
            name=request.name,
            urn=response.urn,
            parent=request.parent,
            provider=request.provider,
            custom=bool(request.custom),
            dependencies=list(request.dependencies),
            inputs=inputs,
        )
        with self._lock:
            self.registrations.append(registration)
        return response

    # Lookups the tests use.
    def by_urn(self) -> dict[str, Registration]:
        return {r.urn: r for r in self.registrations}

    def of_type(self, type_: str) -> list[Registration]:
        return [r for r in self.registrations if r.type == type_]

    def objects(self) -> list[Registration]:
        return [r for r in self.registrations if r.is_object]


def run_mocked(
    program: Callable[[], Any], *, project: str, stack: str, config: dict[str, str] | None = None
) -> tuple[RecordingMonitor, Any]:
    """Run `program` as a Pulumi program of `project`/`stack`; return the monitor and its result."""
    monitor = RecordingMonitor()
    pulumi.runtime.set_mocks(
        monitor.recorder, project=project, stack=stack, preview=False, monitor=monitor
    )
    pulumi.runtime.set_all_config(dict(config or {}))
    result: dict[str, Any] = {}

    @pulumi.runtime.test
    def body() -> None:
        result["value"] = program()

    body()
    return monitor, result.get("value")


def rendered_objects(project: Path, env: str, out: Path) -> dict[str, list[dict[str, Any]]]:
    """What `knstack render --stack env` writes, per cluster directory (parsed YAML)."""
    import yaml

    assert (
        knstack_main(["render", "--stack", env, "--out", str(out), "-C", str(project), "--locked"])
        == 0
    )
    clusters: dict[str, list[dict[str, Any]]] = {}
    for directory in sorted((out / env).iterdir()):
        objects = []
        for path in sorted(directory.glob("*.yaml")):
            if path.name != "kustomization.yaml":
                objects += [
                    doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc
                ]
        clusters[directory.name] = objects
    return clusters


def canonical(obj: Any) -> str:
    """One text per object, for multiset comparison. Pulumi's wire format carries numbers as
    doubles, so a mock sees `300.0` where the manifest says `300` (equal in Python, not in JSON)."""
    return json.dumps(_ints(obj), sort_keys=True)


def _ints(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _ints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_ints(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def object_key(manifest: dict[str, Any]) -> tuple[str, str, str, str]:
    meta = manifest["metadata"]
    return (manifest["apiVersion"], manifest["kind"], meta.get("namespace", ""), meta["name"])
