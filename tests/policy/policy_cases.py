"""One passing and one failing object set per rule, with the violations the failing set must give.

Passing sets start from what knstack renders for the example's staging environment; failing
sets change exactly what the rule is about. Expected violations are (field, fragment of
the message), derived from the change made, not copied from output. The workload rules'
cases (security, secrets, images, probes, resources, hygiene) are in
policy_cases_workload.py.
"""

from __future__ import annotations

from policy_case_helpers import (
    DEP2,
    MAX_SCALE,
    MIN_SCALE,
    TEA_DEP,
    Case,
    _deployment,
    _drop_pdb,
    _hostname_clash,
    _revision,
    _second_pdb,
    _set_annotation,
    _traffic_tags,
    _with,
)
from policy_cases_workload import WORKLOAD_CASES
from policy_harness import Setup

from knstack.expand.knative.template import reserved_instance_annotations

CASES: list[Case] = [
    Case(
        "traffic-sums-to-100",
        lambda e: [e.get("HTTPRoute", "coffee"), e.ksvc("coffee")],
        lambda e: [
            _with(
                e.get("HTTPRoute", "coffee"),
                lambda r: r["spec"]["rules"][0]["backendRefs"][1].update(weight=20),
            ),
            _with(
                e.ksvc("coffee"),
                lambda s: [
                    s["spec"]["traffic"][0].update(percent=50),
                    s["spec"]["traffic"][1].update(percent=40),
                ],
            ),
        ],
        [
            # staging splits coffee 50/50; the candidate's weight drops to 20: 50 + 20.
            ("HTTPRoute coffee-shop/coffee", "spec.rules[0].backendRefs", "sum to 70"),
            ("Service coffee-shop/coffee", "spec.traffic", "sum to 90"),
        ],
    ),
    Case(
        "traffic-known-revisions",
        # staging's coffee split goes through the KEDA HTTP add-on's interceptor: known
        # revisions behind it (HTTPScaledObjects, ReferenceGrant) pass.
        lambda e: e.manifests(),
        lambda e: e.replace(
            e.manifests(),
            _with(
                e.get("HTTPRoute", "coffee"),
                lambda r: r["spec"]["rules"][0]["backendRefs"][0].update(name="coffee-00009"),
            ),
            _with(
                e.get("HTTPScaledObject", "coffee-00002"),
                lambda h: h["spec"]["scaleTargetRef"].update(service="coffee-00008"),
            ),
        ),
        [
            ("HTTPRoute coffee-shop/coffee", "spec.rules[0].backendRefs[0].name", "'coffee-00009'"),
            ("HTTPRoute coffee-shop/coffee", "spec.rules[0].backendRefs[1].name", "'coffee-00008'"),
            # the candidate's tag host reaches it too
            (
                "HTTPRoute coffee-shop/candidate-coffee",
                "spec.rules[0].backendRefs[0].name",
                "'coffee-00008'",
            ),
        ],
    ),
    Case(
        "traffic-tags",
        lambda e: [e.get("HTTPRoute", "candidate-coffee"), e.ksvc("coffee")],
        _traffic_tags,
        [
            (
                "HTTPRoute coffee-shop/candidate-coffee",
                'metadata.labels["knstack.dev/tag"]',
                "DNS-1035",
            ),
            ("HTTPRoute coffee-shop/candidate-coffee", "spec.hostnames[0]", "DNS-1123"),
            ("Service coffee-shop/coffee", "spec.traffic[1].tag", "also used by spec.traffic[0]"),
        ],
    ),
    Case(
        "route-hostnames-unique",
        lambda e: e.manifests(),
        _hostname_clash,
        [
            (
                "HTTPRoute coffee-shop/tea-copy",
                "spec.hostnames[0]",
                "also claimed by HTTPRoute coffee-shop/tea (of route 'tea')",
            )
        ],
    ),
    Case(
        "max-scale-set",
        lambda e: [*e.knative(), e.ksvc("coffee")],
        lambda e: [
            _revision(
                e, "coffee-00002", _set_annotation("autoscaling.knative.dev/max-scale", None)
            ),
            _revision(e, "tea-00001", _set_annotation("autoscaling.knative.dev/max-scale", "0")),
            _with(
                e.ksvc("coffee"),
                lambda s: s["spec"]["template"]["metadata"]["annotations"].pop(
                    "autoscaling.knative.dev/max-scale"
                ),
            ),
        ],
        [
            ("Revision coffee-shop/coffee-00002", MAX_SCALE, "is not set"),
            ("Revision coffee-shop/tea-00001", MAX_SCALE, "is 0 (unlimited)"),
            ("Service coffee-shop/coffee", "spec.template." + MAX_SCALE, "is not set"),
        ],
    ),
    Case(
        "min-scale-latency-sensitive",
        lambda e: [
            e.get("Revision", "coffee-00002"),
            _revision(
                e, "tea-00001", _set_annotation("autoscaling.knative.dev/min-scale", None)
            ),  # HPA class: never zero
            _revision(
                e,
                "coffee-00001",
                lambda r: [
                    r["metadata"]["annotations"].pop("autoscaling.knative.dev/min-scale"),
                    # a reserved instance as the knative expansion writes it: min-scale 1
                    r["metadata"]["annotations"].update(
                        reserved_instance_annotations({"knstack.dev/reserved-instance": "true"})
                        | {"knstack.dev/reserved-instance": "true"}
                    ),
                ],
            ),
        ],
        lambda e: [
            _revision(
                e, "coffee-00002", _set_annotation("autoscaling.knative.dev/min-scale", None)
            ),
            _revision(
                e, "orders-00001", _set_annotation("autoscaling.knative.dev/min-scale", None)
            ),  # not latency-sensitive
        ],
        [
            (
                "Revision coffee-shop/coffee-00002",
                MIN_SCALE,
                "'coffee' is latency-sensitive here but may scale to zero (min-scale unset)",
            )
        ],
        Setup(policy={"latencySensitive": ["coffee", "coffee-shop/tea"]}),
    ),
    Case(
        "container-concurrency-bounds",
        lambda e: [e.get("Revision", "coffee-00002"), e.get("Revision", "orders-00001")],
        lambda e: [
            _revision(e, "coffee-00002", lambda r: r["spec"].update(containerConcurrency=5)),
            _revision(e, "orders-00001", lambda r: r["spec"].update(containerConcurrency=500)),
            e.get("Revision", "tea-00001"),  # containerConcurrency unset: 0, unlimited
        ],
        [
            (
                "Revision coffee-shop/coffee-00002",
                "spec.containerConcurrency",
                "5 is below this environment's min of 10",
            ),
            (
                "Revision coffee-shop/orders-00001",
                "spec.containerConcurrency",
                "500 is above this environment's max of 200",
            ),
            (
                "Revision coffee-shop/tea-00001",
                "spec.containerConcurrency",
                "0 (unlimited) is above",
            ),
        ],
        Setup(policy={"containerConcurrency": {"min": 10, "max": 200}}),
    ),
    Case(
        "hpa-owns-replicas",
        lambda e: e.manifests(),
        lambda e: e.replace(
            e.manifests(), _deployment(e, "tea-00001", lambda d: d["spec"].update(replicas=2))
        ),
        [
            (
                TEA_DEP,
                "spec.replicas",
                "HorizontalPodAutoscaler coffee-shop/tea-00001 scales this Deployment",
            )
        ],
    ),
    Case(
        "hpa-target-exists",
        lambda e: e.manifests(),
        lambda e: e.replace(
            e.manifests(),
            _with(
                e.get("HorizontalPodAutoscaler", "tea-00001"),
                lambda h: h["spec"]["scaleTargetRef"].update(name="tea-00009-deployment"),
            ),
        ),
        [
            (
                "HorizontalPodAutoscaler coffee-shop/tea-00001",
                "spec.scaleTargetRef.name",
                "'tea-00009-deployment'",
            )
        ],
    ),
    Case(
        "pdb-min-scale",
        lambda e: e.manifests(),
        _drop_pdb,
        [
            (DEP2, "spec.replicas", "at least 3 pods"),
            (TEA_DEP, "spec.template.metadata.labels", "at least 2 pods"),
        ],
    ),
    Case(
        "pdb-allows-eviction",
        lambda e: [e.get("PodDisruptionBudget", "tea-00001")],
        lambda e: [
            _with(
                e.get("PodDisruptionBudget", "tea-00001"),
                lambda p: p["spec"].update(maxUnavailable=0),
            ),
            _second_pdb(e),
        ],
        [
            ("PodDisruptionBudget coffee-shop/tea-00001", "spec.maxUnavailable", "is 0"),
            ("PodDisruptionBudget coffee-shop/tea-strict", "spec.minAvailable", "is 100%"),
        ],
    ),
    Case(
        "anti-affinity",
        lambda e: e.manifests(),
        lambda e: e.replace(
            e.manifests(),
            _deployment(e, "tea-00001", lambda d: d["spec"]["template"]["spec"].pop("affinity")),
            _deployment(
                e, "coffee-00002", lambda d: d["spec"]["template"]["spec"].pop("affinity")
            ),  # one pod: fine
        ),
        [(TEA_DEP, "spec.template.spec.affinity", "may run 8 pods")],
    ),
    Case(
        "canary-max-step",
        lambda e: e.knative(),
        lambda e: e.knative(),
        [
            (
                "Service coffee-shop/coffee",
                "spec.traffic",
                "from 50% to 100% of traffic, a step of 50 points; "
                "this environment allows at most 40",
            )
        ],
        Setup(
            policy={"maxCanaryStep": 40},
            canary_steps=[
                {"service": "coffee-shop/coffee", "previous": 10, "next": 50},
                {"service": "coffee-shop/tea", "previous": 50, "next": 0},
            ],
        ),
        Setup(
            policy={"maxCanaryStep": 40},
            canary_steps=[{"service": "coffee-shop/coffee", "previous": 50, "next": 100}],
        ),
    ),
    Case(
        "serving-warnings",
        lambda e: [e.ksvc("coffee"), e.ksvc("tea")],
        lambda e: [
            _with(
                e.ksvc("coffee"),
                lambda s: s["spec"]["template"]["metadata"]["annotations"].update(
                    {"autoscaling.knative.dev/minscale": "1"}
                ),
            ),
            _with(
                e.ksvc("tea"),
                lambda s: s["metadata"]
                .setdefault("labels", {})
                .update({"networking.knative.dev/visibility": "internal"}),
            ),
        ],
        [
            (
                "Service coffee-shop/coffee",
                'spec.template.metadata.annotations["autoscaling.knative.dev/minscale"]',
                "unknown autoscaling annotation: Knative ignores it",
            ),
            (
                "Service coffee-shop/tea",
                'metadata.labels["networking.knative.dev/visibility"]',
                "with 'internal' the route is public",
            ),
        ],
    ),
    *WORKLOAD_CASES,
]
