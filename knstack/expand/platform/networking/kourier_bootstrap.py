"""The Envoy bootstrap of the Kourier gateway (net-kourier config/200-bootstrap.yaml).

Envoy gets its listeners and routes from the net-kourier controller over xDS (port 18000);
the bootstrap only wires that up, plus a stats listener on 9000 and the admin on 9901.
"""

from __future__ import annotations

from typing import Any

from knstack.yamlio import dump_yaml

ROUTER = "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router"
HCM = (
    "type.googleapis.com/envoy.extensions.filters.network."
    "http_connection_manager.v3.HttpConnectionManager"
)
HTTP_OPTIONS = "type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions"
STDOUT_LOG = "type.googleapis.com/envoy.extensions.access_loggers.stream.v3.StdoutAccessLog"
XDS_ADDRESS = "net-kourier-controller.knative-serving"


def _admin_route(regex: str, method: str) -> dict[str, Any]:
    return {
        "match": {
            "safe_regex": {"regex": regex},
            "headers": [{"name": ":method", "string_match": {"exact": method}}],
        },
        "route": {"cluster": "service_stats"},
    }


def _endpoint(address: str, port: int) -> dict[str, Any]:
    return {
        "lb_endpoints": {
            "endpoint": {"address": {"socket_address": {"address": address, "port_value": port}}}
        }
    }


def _stats_listener() -> dict[str, Any]:
    """Port 9000: Envoy's stats and readiness, forwarded to the admin interface."""
    return {
        "name": "stats_listener",
        "address": {"socket_address": {"address": "::", "port_value": 9000, "ipv4_compat": True}},
        "filter_chains": [
            {
                "filters": [
                    {
                        "name": "envoy.filters.network.http_connection_manager",
                        "typed_config": {
                            "@type": HCM,
                            "stat_prefix": "stats_server",
                            "http_filters": [
                                {
                                    "name": "envoy.filters.http.router",
                                    "typed_config": {"@type": ROUTER},
                                }
                            ],
                            "route_config": {
                                "virtual_hosts": [
                                    {
                                        "name": "admin_interface",
                                        "domains": ["*"],
                                        "routes": [
                                            _admin_route(
                                                "/(certs|stats(/prometheus)?|server_info|clusters|listeners|ready)?",
                                                "GET",
                                            ),
                                            _admin_route("/drain_listeners", "POST"),
                                        ],
                                    }
                                ]
                            },
                        },
                    }
                ]
            }
        ],
    }


def _clusters() -> list[dict[str, Any]]:
    """The admin interface (stats) and the net-kourier controller (xDS)."""
    return [
        {
            "name": "service_stats",
            "connect_timeout": "0.250s",
            "type": "static",
            "load_assignment": {
                "cluster_name": "service_stats",
                "endpoints": _endpoint("127.0.0.1", 9901),
            },
        },
        {
            "name": "xds_cluster",
            # Keepalive as the Envoy xDS protocol documentation recommends.
            "typed_extension_protocol_options": {
                "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": {
                    "@type": HTTP_OPTIONS,
                    "explicit_http_config": {
                        "http2_protocol_options": {
                            "connection_keepalive": {"interval": "30s", "timeout": "5s"}
                        }
                    },
                }
            },
            "connect_timeout": "1s",
            "load_assignment": {
                "cluster_name": "xds_cluster",
                "endpoints": _endpoint(XDS_ADDRESS, 18000),
            },
            "type": "STRICT_DNS",
        },
    ]


def bootstrap() -> dict[str, Any]:
    return {
        "dynamic_resources": {
            "ads_config": {
                "transport_api_version": "V3",
                "api_type": "GRPC",
                "rate_limit_settings": {},
                "grpc_services": [{"envoy_grpc": {"cluster_name": "xds_cluster"}}],
            },
            "cds_config": {"resource_api_version": "V3", "ads": {}},
            "lds_config": {"resource_api_version": "V3", "ads": {}},
        },
        "node": {"cluster": "kourier-knative", "id": "3scale-kourier-gateway"},
        "static_resources": {"listeners": [_stats_listener()], "clusters": _clusters()},
        "admin": {
            "access_log": [
                {"name": "envoy.access_loggers.stdout", "typed_config": {"@type": STDOUT_LOG}}
            ],
            "address": {"socket_address": {"address": "127.0.0.1", "port_value": 9901}},
        },
    }


def bootstrap_yaml() -> str:
    return dump_yaml(bootstrap())
