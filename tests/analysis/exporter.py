"""A loopback exporter of gateway request metrics, for a real Prometheus to scrape.

Each scrape adds a fixed batch of requests per revision (so rate() ratios are exact
whatever the scrape timing): `requests` responses, of which `errors` are 5xx, all under
50 ms. Series use Envoy's cluster statistics names and labels (`envoy_cluster_upstream_rq`
with `envoy_response_code`, the `envoy_cluster_upstream_rq_time` histogram in ms), the
metrics knstack's gateway-api template reads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LATENCY_BUCKETS_MS = (5, 10, 25, 50, 100, 250, 500, 1000)


@dataclass
class Traffic:
    """Per-scrape requests and 5xx errors of one revision (Envoy cluster `ns/revision/80/x`)."""

    namespace: str
    revision: str
    requests: int = 100
    errors: int = 0

    @property
    def cluster(self) -> str:
        return f"{self.namespace}/{self.revision}/80/da39a3ee"


@dataclass
class Exporter:
    traffic: list[Traffic]
    scrapes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def render(self) -> str:
        with self.lock:
            self.scrapes += 1
            n = self.scrapes
        lines = [
            "# TYPE envoy_cluster_upstream_rq counter",
            "# TYPE envoy_cluster_upstream_rq_time histogram",
        ]
        for t in self.traffic:
            ok, bad = (t.requests - t.errors) * n, t.errors * n
            for code, count in (("200", ok), ("503", bad)):
                lines.append(
                    f'envoy_cluster_upstream_rq{{envoy_cluster_name="{t.cluster}",envoy_response_code="{code}"}} {count}'
                )
            total = t.requests * n
            for le in LATENCY_BUCKETS_MS:
                within = total if le >= 50 else 0
                lines.append(
                    f'envoy_cluster_upstream_rq_time_bucket{{envoy_cluster_name="{t.cluster}",le="{le}"}} {within}'
                )
            lines.append(
                f'envoy_cluster_upstream_rq_time_bucket{{envoy_cluster_name="{t.cluster}",le="+Inf"}} {total}'
            )
            lines.append(
                f'envoy_cluster_upstream_rq_time_sum{{envoy_cluster_name="{t.cluster}"}} {total * 40}'
            )
            lines.append(
                f'envoy_cluster_upstream_rq_time_count{{envoy_cluster_name="{t.cluster}"}} {total}'
            )
        return "\n".join(lines) + "\n"


def serve(exporter: Exporter) -> ThreadingHTTPServer:
    """Serve /metrics on 127.0.0.1 (a free port) in a daemon thread; call shutdown() after."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = exporter.render().encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; version=0.0.4")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
