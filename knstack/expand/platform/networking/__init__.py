"""The networking layers an environment can choose: Kourier or Gateway API (knative-extensions net-kourier and net-gateway-api config/)."""

from knstack.expand.platform.networking.gateway_api import build_gateway_api
from knstack.expand.platform.networking.kourier import build_kourier

__all__ = ["build_gateway_api", "build_kourier"]
