"""Built-in queries: request success rate and p99 latency of one revision, per metrics source.

Each source is the metric names and labels a component knstack renders for exports:
- gateway-api: Envoy's cluster statistics (`envoy_cluster_upstream_rq`, with the
  `envoy_response_code` tag, and the `envoy_cluster_upstream_rq_time` histogram, in ms), as
  Envoy-based Gateway API implementations expose them; the revision is matched inside
  `envoy_cluster_name`, which names the backend Service in implementations that keep one
  Envoy cluster per Service (Contour: `namespace/service/port/hash`);
- istio: the standard Istio metrics (`istio_requests_total`,
  `istio_request_duration_milliseconds`), reported by the destination sidecar, with the
  revision's Deployment as `destination_workload`;
- nginx: ingress-nginx (`nginx_ingress_controller_requests`,
  `nginx_ingress_controller_request_duration_seconds`), whose `service` label is the
  backend Service, the revision's;
- keda-http-add-on: the interceptor proxy (`interceptor_request_count_total`,
  `interceptor_request_duration_seconds`; kedacore/http-add-on interceptor/metrics), whose
  `route_name` is the revision's HTTPScaledObject.
Success rate is a fraction (0..1), latency is in seconds for every source.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from knstack.stack.analysis_settings import AnalysisCheck, MetricsSource

_RATE = "sum(rate({metric}{{{labels}}}[{{{{window}}}}]))"
_P99 = "histogram_quantile(0.99, sum by (le) (rate({metric}{{{labels}}}[{{{{window}}}}])))"


def _success_rate(metric: str, labels: str, server_error: str) -> str:
    ok = _RATE.format(metric=metric, labels=f"{labels},{server_error}")
    total = _RATE.format(metric=metric, labels=labels)
    return f"1 - ({ok}) / ({total})"


_ENVOY = 'envoy_cluster_name=~".*{{namespace}}.{{revision}}.*"'
_ISTIO = 'reporter="destination",destination_workload_namespace="{{namespace}}",destination_workload="{{deployment}}"'
_NGINX = 'namespace="{{namespace}}",service="{{revision}}"'
_KEDA = 'route_namespace="{{namespace}}",route_name="{{revision}}"'

TEMPLATES: dict[MetricsSource, dict[str, str]] = {
    "gateway-api": {
        "success-rate": _success_rate(
            "envoy_cluster_upstream_rq", _ENVOY, 'envoy_response_code=~"5.."'
        ),
        "latency-p99": _P99.format(metric="envoy_cluster_upstream_rq_time_bucket", labels=_ENVOY)
        + " / 1000",
    },
    "istio": {
        "success-rate": _success_rate("istio_requests_total", _ISTIO, 'response_code=~"5.."'),
        "latency-p99": _P99.format(
            metric="istio_request_duration_milliseconds_bucket", labels=_ISTIO
        )
        + " / 1000",
    },
    "nginx": {
        "success-rate": _success_rate("nginx_ingress_controller_requests", _NGINX, 'status=~"5.."'),
        "latency-p99": _P99.format(
            metric="nginx_ingress_controller_request_duration_seconds_bucket", labels=_NGINX
        ),
    },
    "keda-http-add-on": {
        "success-rate": _success_rate("interceptor_request_count_total", _KEDA, 'code=~"5.."'),
        "latency-p99": _P99.format(
            metric="interceptor_request_duration_seconds_bucket", labels=_KEDA
        ),
    },
}

VARIABLES = (
    "service",
    "namespace",
    "revision",
    "deployment",
    "stableRevision",
    "cluster",
    "window",
)
_VARIABLE = re.compile(r"\{\{\s*([A-Za-z]+)\s*\}\}")


class TemplateError(ValueError):
    """A query names a variable that does not exist or has no value here."""


def query_template(check: AnalysisCheck, source: MetricsSource | None) -> str:
    """The check's query before its variables are filled in (`source`: for a template)."""
    if check.query is not None:
        return check.query
    assert check.template is not None and source is not None  # the model requires one
    return TEMPLATES[source][check.template]


def fill(template: str, values: Mapping[str, str | None]) -> str:
    """Replace each {{variable}}; an unknown or unset one is an error naming it."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in VARIABLES:
            raise TemplateError(
                f"unknown variable {{{{{name}}}}} (variables: {', '.join(VARIABLES)})"
            )
        found = values.get(name)
        if found is None:
            raise TemplateError(f"{{{{{name}}}}} has no value here (no {name} in this release)")
        return found

    return _VARIABLE.sub(value, template)


def promql_duration(seconds: float) -> str:
    """A PromQL range such as 90s (whole seconds, at least 1)."""
    return f"{max(1, math.ceil(seconds))}s"
