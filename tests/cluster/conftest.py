"""Fixtures of the cluster tests: local simulated clusters (knstack.cluster), real API servers
on 127.0.0.1 built from Go modules by `scripts/bootstrap.sh tests`.

`fleet`: one shared set of clusters per test process, named as the example stacks name their
contexts, for tests that only add and remove their own objects. `private_fleet(names)`: fresh
clusters for one test, for tests that deploy whole environments (Pulumi up/destroy) and check
what is left afterwards.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from knstack.cluster.fleet import Fleet, start_fleet
from knstack.cluster.tools import ClusterTools, ClusterToolsMissing

EXAMPLE_CONTEXTS = ["lab-1", "prod-eu", "prod-us", "staging-eu", "test-1"]


@pytest.fixture(scope="session")
def cluster_tools() -> ClusterTools:
    try:
        return ClusterTools.locate()
    except ClusterToolsMissing as err:
        pytest.fail(str(err))


@pytest.fixture(scope="session")
def fleet(cluster_tools: ClusterTools, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    started = start_fleet(EXAMPLE_CONTEXTS, tmp_path_factory.mktemp("fleet"), cluster_tools)
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture()
def private_fleet(
    cluster_tools: ClusterTools, tmp_path: Path
) -> Iterator[Callable[[list[str]], Fleet]]:
    started: list[Fleet] = []

    def start(names: list[str]) -> Fleet:
        fleet = start_fleet(names, tmp_path / f"fleet-{len(started)}", cluster_tools)
        started.append(fleet)
        return fleet

    try:
        yield start
    finally:
        for fleet in started:
            fleet.stop()


# The Pulumi CLI fixtures of the end-to-end tests (tools, a project copy, a private backend).
from tests.e2e.conftest import pulumi, pulumi_project, tools_env  # noqa: E402, F401

# The promotion tests' fixtures: the CLI in-process on the project copy, with the real gates.
from tests.promote.conftest import (  # noqa: E402, F401
    gate_env,
    knstack,
    kubeconform_binary,
    schema_cache,
)
