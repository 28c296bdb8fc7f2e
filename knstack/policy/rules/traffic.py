"""Traffic: splits add up, name real revisions, and tags make valid, unclaimed hosts.

knstack's routing objects carry `serving.knative.dev/route`; HTTPRoutes without it are not
knstack's and their weights are relative (Gateway API), so they are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from knstack.api.validation.names import dns1035_label_error, dns1123_label_error
from knstack.policy.model import MANDATORY, Manifest, RuleContext, Violation
from knstack.policy.objects import HTTPROUTE, KNATIVE_ROUTING, SERVICE, dig, number, show
from knstack.policy.registry import rule
from knstack.vocabulary import (
    REVISION_HEADER,
    REVISION_LABEL,
    ROUTE_LABEL,
    TAG_LABEL,
    kind_key,
    labels_of,
    name_of,
    namespace_of,
    ref,
)

DEFAULT_WEIGHT = 1.0  # Gateway API's default backendRef weight
HTTP_SCALED_OBJECT = "http.keda.sh/HTTPScaledObject"
REFERENCE_GRANT = "gateway.networking.k8s.io/ReferenceGrant"


def _knstack_httproute(obj: Manifest) -> bool:
    return kind_key(obj) == HTTPROUTE and ROUTE_LABEL in labels_of(obj)


def _backend_refs(obj: Manifest) -> Iterator[tuple[int, int, Mapping[str, Any]]]:
    for r, route_rule in enumerate(dig(obj, "spec", "rules") or []):
        for b, backend in enumerate(route_rule.get("backendRefs") or []):
            yield r, b, backend


@rule(
    id="traffic-sums-to-100",
    title="A route's traffic percentages add up to exactly 100",
    severity=MANDATORY,
    kinds={HTTPROUTE, *KNATIVE_ROUTING},
    fix="Make the percents of spec.traffic (or the release's stage) add up to 100.",
    rationale="Knative splits traffic by whole percents; a split that does not total 100 "
    "sends a share of requests nowhere or to the wrong revision.",
)
def traffic_sums_to_100(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if kind_key(obj) == HTTPROUTE:
        if not _knstack_httproute(obj):
            return
        for r, route_rule in enumerate(dig(obj, "spec", "rules") or []):
            backends = route_rule.get("backendRefs") or []
            if len(backends) < 2:
                continue  # one backend takes everything, whatever its weight
            total = sum(number(b.get("weight", DEFAULT_WEIGHT)) or 0.0 for b in backends)
            if total != 100:
                yield Violation(
                    obj,
                    f"spec.rules[{r}].backendRefs",
                    f"backend weights sum to {show(total)}, not 100",
                )
        return
    traffic = dig(obj, "spec", "traffic")
    if not traffic:
        return  # a Service without traffic sends 100% to its latest revision
    total = sum(number(t.get("percent")) or 0.0 for t in traffic)
    if total != 100:
        yield Violation(obj, "spec.traffic", f"traffic percentages sum to {show(total)}, not 100")


@rule(
    id="traffic-known-revisions",
    title="Traffic only goes to revisions that exist (are in the revision ledger)",
    severity=MANDATORY,
    kinds={HTTPROUTE},
    stack=True,
    fix="Name a revision recorded in the environment's ledger (stacks/<env>.ledger.yaml), or "
    "render the environment so that the new revision is recorded.",
    rationale="knstack renders one Service per ledger revision; a backend that names anything "
    "else has no pods behind it and its share of requests fails.",
)
def traffic_known_revisions(objects: Sequence[Manifest], ctx: RuleContext) -> Iterator[Violation]:
    revisions = {
        (namespace_of(o), name_of(o))
        for o in objects
        if kind_key(o) == SERVICE and REVISION_LABEL in labels_of(o)
    }
    scaled = [o for o in objects if kind_key(o) == HTTP_SCALED_OBJECT]
    grants = [o for o in objects if kind_key(o) == REFERENCE_GRANT]
    for obj in objects:
        if not _knstack_httproute(obj):
            continue
        for r, b, backend in _backend_refs(obj):
            if backend.get("group", "") != "" or backend.get("kind", "Service") != "Service":
                continue
            namespace = backend.get("namespace") or namespace_of(obj)
            if (namespace, backend.get("name")) in revisions:
                continue
            # Not a revision: it may be the KEDA HTTP add-on's interceptor, opened to the
            # route by a ReferenceGrant, forwarding to revisions named by HTTPScaledObjects.
            interceptor = (namespace, backend.get("name")) in _granted_services(obj, grants)
            targets = _interceptor_targets(obj, backend, scaled) if interceptor else set()
            field = f"spec.rules[{r}].backendRefs[{b}].name"
            if not targets:
                yield Violation(
                    obj,
                    field,
                    f"sends traffic to {backend.get('name')!r}, which is not a revision of "
                    "this environment",
                )
            for target in sorted(targets - revisions):
                yield Violation(
                    obj,
                    field,
                    f"sends traffic through {backend.get('name')!r} to {target[1]!r} (its "
                    "HTTPScaledObject's scaleTargetRef.service), which is not a revision of "
                    "this environment",
                )


def _granted_services(route: Manifest, grants: Sequence[Manifest]) -> set[tuple[str, str]]:
    """Services in other namespaces that ReferenceGrants open to this route's namespace."""
    granted = set()
    for grant in grants:
        sources = dig(grant, "spec", "from") or []
        if not any(
            s.get("kind") == "HTTPRoute" and s.get("namespace") == namespace_of(route)
            for s in sources
        ):
            continue
        for to in dig(grant, "spec", "to") or []:
            if to.get("group", "") == "" and to.get("kind") == "Service" and to.get("name"):
                granted.add((namespace_of(grant), to["name"]))
    return granted


def _interceptor_targets(
    route: Manifest, backend: Mapping[str, Any], scaled: Sequence[Manifest]
) -> set[tuple[str, str]]:
    """The revision Services behind a backend that is the KEDA HTTP add-on's interceptor.

    The interceptor forwards a request to the HTTPScaledObject whose spec.hosts holds its
    host and, when the object lists spec.headers, whose headers it carries (kedacore/
    http-add-on operator/apis/http/v1alpha1/httpscaledobject_types.go); knstack sets the
    Knative-Serving-Revision header on the backendRef where revisions share a host.
    """
    hosts = set(dig(route, "spec", "hostnames") or [])
    header = _revision_header(backend)
    targets = set()
    for obj in scaled:
        if namespace_of(obj) != namespace_of(route) or not hosts & set(
            dig(obj, "spec", "hosts") or []
        ):
            continue
        wanted = {h.get("name"): h.get("value") for h in dig(obj, "spec", "headers") or []}
        if wanted.get(REVISION_HEADER) != header:
            continue
        if service := dig(obj, "spec", "scaleTargetRef", "service"):
            targets.add((namespace_of(obj), service))
    return targets


def _revision_header(backend: Mapping[str, Any]) -> str | None:
    for found in backend.get("filters") or []:
        for header in dig(found, "requestHeaderModifier", "set") or []:
            if header.get("name") == REVISION_HEADER:
                value = header.get("value")
                return str(value) if value is not None else None
    return None


def _hostname_problem(host: str) -> str | None:
    name = host.removeprefix("*.")
    if len(name) > 253:
        return f"hostname {host!r} is longer than 253 characters"
    for label in name.split("."):
        if err := dns1123_label_error(label):
            return f"hostname {host!r}: {err}"
    return None


@rule(
    id="traffic-tags",
    title="Traffic tags are unique and make valid DNS names",
    severity=MANDATORY,
    kinds={HTTPROUTE, *KNATIVE_ROUTING},
    fix="Use a short lower-case tag (letters, digits, '-', starting with a letter), once per "
    "route; `<tag>-<route>` must fit in 63 characters.",
    rationale="Each tag becomes the host `<tag>-<route>.<namespace>.<domain>`; an invalid or "
    "duplicate tag makes a host that DNS or the gateway rejects.",
)
def traffic_tags(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if kind_key(obj) == HTTPROUTE:
        if not _knstack_httproute(obj):
            return
        tag = labels_of(obj).get(TAG_LABEL)
        if tag is not None and (err := dns1035_label_error(str(tag))):
            yield Violation(obj, f'metadata.labels["{TAG_LABEL}"]', f"tag {err}")
        for index, host in enumerate(dig(obj, "spec", "hostnames") or []):
            if problem := _hostname_problem(str(host)):
                yield Violation(obj, f"spec.hostnames[{index}]", problem)
        return
    seen: dict[str, int] = {}
    for index, target in enumerate(dig(obj, "spec", "traffic") or []):
        tag = target.get("tag")
        if tag is None:
            continue
        where = f"spec.traffic[{index}].tag"
        if err := dns1035_label_error(str(tag)):
            yield Violation(obj, where, f"tag {err}")
        elif tag in seen:
            yield Violation(obj, where, f"tag {tag!r} is also used by spec.traffic[{seen[tag]}]")
        elif len(f"{tag}-{name_of(obj)}") > 63:
            yield Violation(
                obj, where, f"the tag host label {tag}-{name_of(obj)} is longer than 63 characters"
            )
        seen.setdefault(str(tag), index)


def _route_of(obj: Manifest) -> str:
    """An HTTPRoute, with the Knative route it realises (two may share an object name)."""
    route = labels_of(obj).get(ROUTE_LABEL)
    return f"{ref(obj)} (of route {route!r})" if route else ref(obj)


@rule(
    id="route-hostnames-unique",
    title="No two routes claim the same hostname",
    severity=MANDATORY,
    kinds={HTTPROUTE},
    stack=True,
    fix="Rename the tag or the route: `<tag>-<route>` of one route equals another route's "
    "name here.",
    rationale="Two HTTPRoutes with one hostname on a gateway conflict; the gateway picks one "
    "and the other route silently loses its traffic.",
)
def route_hostnames_unique(objects: Sequence[Manifest], ctx: RuleContext) -> Iterator[Violation]:
    claimed: dict[str, Manifest] = {}
    routes = sorted(
        (o for o in objects if kind_key(o) == HTTPROUTE),
        key=lambda o: (namespace_of(o), name_of(o)),
    )
    for obj in routes:
        for index, host in enumerate(dig(obj, "spec", "hostnames") or []):
            first = claimed.setdefault(str(host), obj)
            if first is not obj:
                yield Violation(
                    obj,
                    f"spec.hostnames[{index}]",
                    f"hostname {host!r} is also claimed by {_route_of(first)}",
                )
