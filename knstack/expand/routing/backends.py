"""Where a gateway sends each revision's share: its Service, or the KEDA interceptor.

Every gateway kind builds its routes from the same `Backend`s, so a revision scaled by
the KEDA HTTP add-on is reached through the interceptor whichever gateway carries it.
"""

from __future__ import annotations

from dataclasses import dataclass

from knstack.expand.routing.common import backend_port
from knstack.expand.routing.hosts import cluster_local_host
from knstack.expand.routing.interceptor import InterceptorRoutes
from knstack.resolve.model import RoutePlan, ServingPlan
from knstack.stack.settings import ClusterSettings
from knstack.vocabulary import REVISION_HEADER


@dataclass(frozen=True)
class Backend:
    revision: str
    weight: int
    service: str
    port: int
    namespace: str  # the Service's namespace
    via_interceptor: bool = False
    request_headers: tuple[tuple[str, str], ...] = ()  # headers the gateway must set

    def fqdn(self) -> str:
        return cluster_local_host(self.service, self.namespace)


def revision_backends(
    plan: ServingPlan,
    route: RoutePlan,
    weighted: list[tuple[str, int]],
    settings: ClusterSettings,
    interceptor: InterceptorRoutes,
) -> list[Backend]:
    """The backends for (revision, weight) pairs on one host of a route."""
    backends = []
    for revision, weight in weighted:
        found = interceptor.get((route.namespace, revision))
        if found is None:
            port = backend_port(plan, route, revision)
            backends.append(Backend(revision, weight, revision, port, route.namespace))
            continue
        ref = settings.keda_http_add_on.interceptor
        headers = ((REVISION_HEADER, revision),) if found.revision_header else ()
        backends.append(Backend(revision, weight, ref.name, ref.port, ref.namespace, True, headers))
    return backends
