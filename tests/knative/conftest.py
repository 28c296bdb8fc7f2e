"""Fixtures of the knative backend tests: the upstream install and the Service CRD schema."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from knative_helpers import Key, load_dirs


@pytest.fixture(scope="session")
def upstream_dir(shared_dir: Path) -> Path:
    return shared_dir / "upstream"


@pytest.fixture(scope="session")
def upstream_install(upstream_dir: Path) -> Callable[[str], dict[Key, dict[str, Any]]]:
    """The upstream objects of core + HPA autoscaler + one networking layer."""
    serving = upstream_dir / "knative-serving" / "config"
    layers = {
        "kourier": upstream_dir / "knative-net-kourier" / "config",
        "gateway-api": upstream_dir / "knative-net-gateway-api" / "config",
    }

    def load(networking: str) -> dict[Key, dict[str, Any]]:
        return load_dirs(serving / "core", serving / "hpa-autoscaling", layers[networking])

    return load


@pytest.fixture(scope="session")
def service_crd_schema(upstream_dir: Path) -> dict[str, Any]:
    """openAPIV3Schema of the upstream Knative Service CRD (serving.knative.dev/v1)."""
    crd = yaml.safe_load(
        (upstream_dir / "knative-serving/config/core/300-resources/service.yaml").read_text(
            encoding="utf-8"
        )
    )
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")
    return version["schema"]["openAPIV3Schema"]
