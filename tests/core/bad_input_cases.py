"""The bad inputs of test_bad_inputs.py: a valid Service with one thing broken, each with
the field path and the explanation the message must give (from Knative's rules)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    id: str
    yaml: str
    field: str  # the field path the message must name
    message: str  # a fragment of the explanation
    obj: str = "Service default/shop"


def service(
    spec: str = "",
    *,
    meta: str = "",
    template_meta: str = "",
    name: str = "shop",
    containers: str | None = None,
) -> str:
    """A valid Service, with pieces replaced to make it bad."""
    containers = (
        containers if containers is not None else "      - image: registry.example.com/shop:1\n"
    )
    return (
        "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n"
        f"  name: {name}\n{meta}"
        "spec:\n  template:\n"
        + (f"    metadata:\n{template_meta}" if template_meta else "")
        + f"    spec:\n{spec}      containers:\n{containers}"
    )


def with_traffic(traffic: str, **kwargs: str) -> str:
    return service(**kwargs) + "  traffic:\n" + traffic


def annotated(key: str, value: str) -> str:
    return service(template_meta=f'      annotations:\n        {key}: "{value}"\n')


A = "autoscaling.knative.dev/"
CASES = [
    Case(
        "traffic-sum",
        with_traffic("  - latestRevision: true\n    percent: 90\n"),
        "spec.traffic",
        "sum to 90",
    ),
    Case(
        "traffic-percent-range",
        with_traffic("  - latestRevision: true\n    percent: 101\n"),
        "spec.traffic[0].percent",
        "expected 0 <= 101 <= 100",  # Knative: apis.ErrOutOfBoundsValue
    ),
    Case(
        "traffic-configuration-name",
        with_traffic("  - configurationName: shop\n    percent: 100\n"),
        "spec.traffic[0].configurationName",
        "not allowed in a Service",
    ),
    Case(
        "traffic-latest-with-name",
        with_traffic("  - revisionName: shop-00001\n    latestRevision: true\n    percent: 100\n"),
        "spec.traffic[0].latestRevision",
        "cannot be combined",
    ),
    Case(
        "traffic-pinned-without-name",
        with_traffic("  - latestRevision: false\n    percent: 100\n"),
        "spec.traffic[0].latestRevision",
        "needs a revisionName",
    ),
    Case(
        "traffic-duplicate-tag",
        with_traffic(
            "  - latestRevision: true\n    percent: 100\n    tag: a\n  - revisionName: shop-00001\n    percent: 0\n    tag: a\n"
        ),
        "spec.traffic[1].tag",
        "duplicate tag",
    ),
    Case(
        "traffic-tag-not-dns",
        with_traffic("  - latestRevision: true\n    percent: 100\n    tag: Bad_Tag\n"),
        "spec.traffic[0].tag",
        "DNS-1035",
    ),
    Case(
        "traffic-url-in-spec",
        with_traffic("  - latestRevision: true\n    percent: 100\n    url: http://x\n"),
        "spec.traffic[0].url",
        "status",
    ),
    Case(
        "traffic-unknown-revision",
        with_traffic("  - revisionName: shop-00007\n    percent: 100\n"),
        "spec.traffic[0].revisionName",
        "not in the revision ledger",
    ),
    Case(
        "traffic-tag-host-too-long",
        with_traffic("  - latestRevision: true\n    percent: 100\n    tag: " + "t" * 60 + "\n"),
        "spec.traffic[0].tag",
        "longer than 63",
    ),
    Case(
        "byo-name-prefix",
        service(template_meta="      name: other-v1\n"),
        "spec.template.metadata.name",
        "must start with 'shop-'",
    ),
    Case(
        "byo-name-reused",
        service(template_meta="      name: shop-v1\n")
        + "---\n"
        + service(
            template_meta="      name: shop-v1\n",
            containers="      - image: registry.example.com/shop:2\n",
        ),
        "spec.template.metadata.name",
        "already used",
    ),
    Case(
        "reserved-port",
        service(
            containers="      - image: registry.example.com/app:1\n        ports:\n        - containerPort: 8012\n"
        ),
        "spec.template.spec.containers[0].ports[0].containerPort",
        "reserved",
    ),
    Case(
        "two-ports",
        service(
            containers="      - image: registry.example.com/app:1\n        ports:\n        - containerPort: 8080\n        - containerPort: 8081\n"
        ),
        "spec.template.spec.containers[0].ports",
        "exactly one port",
    ),
    Case(
        "port-name",
        service(
            containers="      - image: registry.example.com/app:1\n        ports:\n        - containerPort: 8080\n          name: grpc\n"
        ),
        "spec.template.spec.containers[0].ports[0].name",
        "h2c",
    ),
    Case(
        "port-protocol",
        service(
            containers="      - image: registry.example.com/app:1\n        ports:\n        - containerPort: 8080\n          protocol: UDP\n"
        ),
        "spec.template.spec.containers[0].ports[0].protocol",
        "only TCP",
    ),
    Case(
        "host-port",
        service(
            containers="      - image: registry.example.com/app:1\n        ports:\n        - containerPort: 8080\n          hostPort: 80\n"
        ),
        "spec.template.spec.containers[0].ports[0].hostPort",
        "host ports",
    ),
    Case(
        "sidecars-without-port",
        service(containers="      - image: registry.example.com/app:1\n      - image: y\n"),
        "spec.template.spec.containers",
        "exactly one",
    ),
    Case(
        "reserved-env",
        service(
            containers="      - image: registry.example.com/app:1\n        env:\n        - name: K_SERVICE\n          value: y\n"
        ),
        "spec.template.spec.containers[0].env[0].name",
        "reserved",
    ),
    Case(
        "reserved-env-port",
        service(
            containers="      - image: registry.example.com/app:1\n        env:\n        - name: PORT\n          value: '1'\n"
        ),
        "spec.template.spec.containers[0].env[0].name",
        "'PORT' is reserved",
    ),
    Case(
        "reserved-container-name",
        service(
            containers="      - image: registry.example.com/app:1\n        name: queue-proxy\n"
        ),
        "spec.template.spec.containers[0].name",
        "reserved",
    ),
    Case(
        "missing-image",
        service(containers="      - name: app\n"),
        "spec.template.spec.containers[0].image",
        "missing field(s)",
    ),
    Case(
        "no-containers",
        service(containers="      []\n").replace("containers:\n      []", "containers: []"),
        "spec.template.spec.containers",
        "missing field(s)",
    ),
    Case(
        "lifecycle",
        service(
            containers="      - image: registry.example.com/app:1\n        lifecycle:\n          preStop:\n            exec:\n              command: [sleep, '1']\n"
        ),
        "spec.template.spec.containers[0].lifecycle",
        "not allowed by Knative",
    ),
    Case(
        "container-concurrency",
        service(spec="      containerConcurrency: 1001\n"),
        "spec.template.spec.containerConcurrency",
        "<= 1001 <= 1000",
    ),
    Case(
        "timeout",
        service(spec="      timeoutSeconds: 601\n"),
        "spec.template.spec.timeoutSeconds",
        "expected 0 <= 601 <= 600",
    ),
    Case(
        "min-scale-negative",
        annotated(A + "min-scale", "-1"),
        f'spec.template.metadata.annotations["{A}min-scale"]',
        "expected 0 <= -1 <= 2147483647",
    ),
    Case(
        "max-below-min",
        service(
            template_meta=f'      annotations:\n        {A}min-scale: "5"\n        {A}max-scale: "2"\n'
        ),
        f'spec.template.metadata.annotations["{A}max-scale"]',
        "less than min-scale",
    ),
    Case(
        "window-too-short",
        annotated(A + "window", "5s"),
        f'spec.template.metadata.annotations["{A}window"]',
        "expected 6s <= 5s <= 1h0m0s",
    ),
    Case(
        "utilization-zero",
        annotated(A + "target-utilization-percentage", "0"),
        f'spec.template.metadata.annotations["{A}target-utilization-percentage"]',
        "expected 1 <= 0 <= 100",
    ),
    Case(
        "panic-threshold",
        annotated(A + "panic-threshold-percentage", "100"),
        f'spec.template.metadata.annotations["{A}panic-threshold-percentage"]',
        "expected 110 <= 100 <= 1000",
    ),
    Case(
        "class-unknown-knative",
        annotated(A + "class", "foo.autoscaling.knative.dev"),
        f'spec.template.metadata.annotations["{A}class"]',
        "invalid value",
    ),
    Case(
        "kpa-cpu-metric",
        annotated(A + "metric", "cpu"),
        f'spec.template.metadata.annotations["{A}metric"]',
        "concurrency or rps",
    ),
    Case(
        "alias-and-key",
        service(
            template_meta=f'      annotations:\n        {A}min-scale: "1"\n        {A}minScale: "2"\n'
        ),
        f'spec.template.metadata.annotations["{A}minScale"]',
        "use only one",
    ),
    Case(
        "autoscaling-on-service",
        service(meta=f'  annotations:\n    {A}min-scale: "1"\n'),
        f'metadata.annotations["{A}min-scale"]',
        "only accepted on spec.template.metadata",
    ),
    Case(
        "initial-scale-zero",
        annotated(A + "initial-scale", "0"),
        f'spec.template.metadata.annotations["{A}initial-scale"]',
        "allow-zero-initial-scale",
    ),
    Case(
        "scale-down-delay",
        annotated(A + "scale-down-delay", "2h"),
        f'spec.template.metadata.annotations["{A}scale-down-delay"]',
        "expected 0s <= 2h <= 1h0m0s",
    ),
    Case(
        "activation-scale",
        annotated(A + "activation-scale", "1"),
        f'spec.template.metadata.annotations["{A}activation-scale"]',
        "greater than 1",
    ),
    Case(
        "retention-not-duration",
        annotated(A + "scale-to-zero-pod-retention-period", "abc"),
        f'spec.template.metadata.annotations["{A}scale-to-zero-pod-retention-period"]',
        "invalid duration",
    ),
    Case(
        "reserved-instance-value",
        annotated("knstack.dev/reserved-instance", "yes"),
        'spec.template.metadata.annotations["knstack.dev/reserved-instance"]',
        '"true" or "false"',
    ),
    Case(
        "unknown-field",
        service(containers="      - imagee: x\n"),
        "spec.template.spec.containers[0].imagee",
        "unknown field",
    ),
    Case(
        "wrong-type",
        service(spec="      containerConcurrency: ten\n"),
        "spec.template.spec.containerConcurrency",
        'must be of type integer: "string"',
    ),
    Case(
        "name-not-dns",
        service(name="Shop"),
        "metadata.name",
        "DNS-1035",
        obj="Service default/Shop",
    ),
    Case(
        "name-missing",
        service(name="''"),
        "metadata.name",
        "missing field(s)",
        obj="Service default/(unnamed)",
    ),
    Case(
        "feature-gated-field",
        service(spec="      nodeSelector:\n        disk: ssd\n"),
        "spec.template.spec.nodeSelector",
        "kubernetes.podspec-nodeselector",
    ),
    Case(
        "never-allowed-field",
        service(spec="      restartPolicy: Always\n"),
        "spec.template.spec.restartPolicy",
        "Knative manages it",
    ),
    Case(
        "volume-not-mounted",
        service(
            spec="      volumes:\n      - name: cfg\n        configMap:\n          name: cfg\n"
        ),
        "spec.template.spec.volumes[0].name",
        "not mounted",
    ),
    Case(
        "mount-unknown-volume",
        service(
            containers="      - image: registry.example.com/app:1\n        volumeMounts:\n        - name: ghost\n          mountPath: /etc/ghost\n"
        ),
        "spec.template.spec.containers[0].volumeMounts[0].name",
        "not defined",
    ),
    Case(
        "mount-relative",
        service(
            spec="      volumes:\n      - name: cfg\n        configMap:\n          name: cfg\n",
            containers="      - image: registry.example.com/app:1\n        volumeMounts:\n        - name: cfg\n          mountPath: etc/cfg\n",
        ),
        "spec.template.spec.containers[0].volumeMounts[0].mountPath",
        "absolute",
    ),
    Case(
        "probe-two-handlers",
        service(
            containers="      - image: registry.example.com/app:1\n        readinessProbe:\n          httpGet:\n            path: /\n          tcpSocket: {}\n"
        ),
        "spec.template.spec.containers[0].readinessProbe",
        "exactly one handler",
    ),
    Case(
        "privileged",
        service(
            containers="      - image: registry.example.com/app:1\n        securityContext:\n          privileged: true\n"
        ),
        "spec.template.spec.containers[0].securityContext.privileged",
        "privileged",
    ),
    Case(
        "image-unparsable",
        service(containers="      - image: Registry.Example.com/Shop:1\n"),
        "spec.template.spec.containers[0].image",
        "Failed to parse image reference: repository can only contain",
    ),
    Case(
        "route-without-traffic",
        "apiVersion: serving.knative.dev/v1\nkind: Route\nmetadata:\n  name: shop\n",
        "spec.traffic",
        "traffic percentages sum to 0",
        obj="Route default/shop",
    ),
    Case(
        "unsupported-kind",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shop\n",
        "kind",
        "unsupported kind",
        obj="ConfigMap default/shop",
    ),
    Case(
        "unsupported-api-version",
        service().replace("serving.knative.dev/v1", "serving.knative.dev/v1alpha1"),
        "apiVersion",
        "use serving.knative.dev/v1",
        obj="Service default/shop",
    ),
    Case(
        "service-configuration-clash",
        service()
        + "---\napiVersion: serving.knative.dev/v1\nkind: Configuration\nmetadata:\n  name: shop\nspec:\n  template:\n    spec:\n      containers:\n      - image: registry.example.com/shop:2\n",
        "metadata.name",
        "a Service creates the Configuration",
        obj="Configuration default/shop",
    ),
]

# Inputs Knative's webhook admits but that do not do what they say: `render` warns (naming
# file, object and field) and goes on, `check` fails them (rule serving-warnings).
WARNING_CASES = [
    Case(
        "autoscaling-typo",
        annotated(A + "minscale", "1"),
        f'spec.template.metadata.annotations["{A}minscale"]',
        f"Knative ignores it (did you mean {A}min-scale?",
    ),
    Case(
        "rollout-on-template",
        annotated("serving.knative.dev/rollout-duration", "60s"),
        'spec.template.metadata.annotations["serving.knative.dev/rollout-duration"]',
        "read on a Service or a Route",
    ),
    Case(
        "visibility-value",
        service(meta="  labels:\n    networking.knative.dev/visibility: public\n"),
        'metadata.labels["networking.knative.dev/visibility"]',
        "cluster-local",
    ),
    Case(
        "template-namespace",
        service(template_meta="      namespace: other\n"),
        "spec.template.metadata.namespace",
        "a revision lives in its parent's namespace",
    ),
    Case(
        "queue-sidecar-typo",
        annotated("queue.sidecar.serving.knative.dev/cpu-resource-requets", "100m"),
        'spec.template.metadata.annotations["queue.sidecar.serving.knative.dev/cpu-resource-requets"]',
        "not a key Knative knows",
    ),
    Case(
        "container-name-not-a-label",
        service(containers="      - name: App_1\n        image: registry.example.com/shop:1\n"),
        "spec.template.spec.containers[0].name",
        "the API server will refuse",
    ),
    Case(
        "env-value-and-value-from",
        service(
            containers="      - image: registry.example.com/shop:1\n        env:\n"
            "        - name: A\n          value: x\n          valueFrom:\n"
            "            secretKeyRef:\n              name: shop\n              key: token\n"
        ),
        "spec.template.spec.containers[0].env[0]",
        "set either value or valueFrom, not both",
    ),
    Case(
        "visibility-on-configuration",
        "apiVersion: serving.knative.dev/v1\nkind: Configuration\nmetadata:\n  name: shop\n"
        "  labels:\n    networking.knative.dev/visibility: cluster-local\n"
        "spec:\n  template:\n    spec:\n      containers:\n"
        "      - image: registry.example.com/shop:1\n",
        'metadata.labels["networking.knative.dev/visibility"]',
        "read on a Service or a Route",
        obj="Configuration default/shop",
    ),
]
