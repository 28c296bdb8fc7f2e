"""Fixtures for the policy tests: the example environment, built once, as rule inputs."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from knstack.build import EnvironmentBuild, build_environment
from knstack.components import load_components
from knstack.policy.views import knative_view
from knstack.stack import find_project

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Example:
    """The staging environment of the example project (both coffee revisions, policy as in prod)."""

    build: EnvironmentBuild

    def manifests(self) -> list[dict[str, Any]]:
        return copy.deepcopy(self.build.clusters[0].manifests)

    def knative(self) -> list[dict[str, Any]]:
        return copy.deepcopy(knative_view(self.build.plan))

    def ksvc(self, name: str) -> dict[str, Any]:
        """A Knative Service of the components, as a Knative CR (what the knative backend sends)."""
        settings = self.build.settings
        loaded = load_components(
            REPO / "components", "staging", settings.serving_context(), settings.namespace, REPO
        )
        for item in loaded:
            if item.obj.kind == "Service" and item.obj.name == name:
                data = item.obj.to_dict()
                data["metadata"]["namespace"] = settings.namespace
                return data
        raise KeyError(name)

    def get(self, kind: str, name: str) -> dict[str, Any]:
        for obj in self.manifests() + self.knative():
            if obj["kind"] == kind and obj["metadata"]["name"] == name:
                return obj
        raise KeyError(f"{kind} {name}")

    def replace(
        self, objects: list[dict[str, Any]], *changed: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """`objects` with the objects of the same kind and name swapped for `changed`."""
        keys = {(c["kind"], c["metadata"]["name"]) for c in changed}
        kept = [o for o in objects if (o["kind"], o["metadata"]["name"]) not in keys]
        return kept + list(changed)


@pytest.fixture(scope="session")
def example() -> Example:
    return Example(build_environment(find_project(REPO), "staging"))
