"""Helpers of the knative backend tests: loading the upstream install, rendering knstack's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from knstack.expand.platform import build_platform
from knstack.resolve.model import ServingPlan
from knstack.stack.knative import GatewayApiSettings, KnativeSettings
from knstack.stack.settings import StackSettings, effective_cluster_settings

Key = tuple[str, str, str]  # kind, namespace, name
EMPTY_PLAN = ServingPlan((), (), ())
GATEWAY_API = GatewayApiSettings(
    gateway_class="istio",
    service="istio-system/istio-ingressgateway",
    local_gateway="istio-system/knative-local-gateway",
    local_service="istio-system/knative-local-gateway",
    supported_features=["HTTPRouteRequestTimeout"],
)


def key_of(doc: dict[str, Any]) -> Key:
    meta = doc["metadata"]
    return (doc["kind"], meta.get("namespace", ""), meta["name"])


def load_dirs(*dirs: Path) -> dict[Key, dict[str, Any]]:
    docs: dict[Key, dict[str, Any]] = {}
    for directory in dirs:
        for file in sorted(directory.rglob("*.yaml")):
            for doc in yaml.safe_load_all(file.read_text(encoding="utf-8")):
                if doc:
                    docs[key_of(doc)] = doc
    return docs


def stack_settings(**knative: Any) -> StackSettings:
    return StackSettings(knative=KnativeSettings(install=True, **knative))


def render_platform(
    stack: StackSettings, plan: ServingPlan = EMPTY_PLAN
) -> dict[Key, dict[str, Any]]:
    settings = effective_cluster_settings("conformance", stack, stack.clusters[0])
    return {key_of(doc): doc for doc in build_platform(plan, settings)}
