"""The CrossGuard pack: one policy per rule, settings from the stack and the pack config, and
the real pack process answering Pulumi's analyzer protocol."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
import yaml
from google.protobuf import empty_pb2, struct_pb2
from policy_harness import Setup, crossguard_path, engine_props, resource_type, urn
from pulumi.runtime import proto
from pulumi_policy import EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, UnknownValueError

from knstack.policy import all_rules
from knstack.policy.crossguard import (
    context_with_config,
    crossguard_policies,
    manifest_from_resource,
    pack_config,
    stack_settings_from_environment,
)
from knstack.policy.engine import context_for
from knstack.stack import StackSettings, find_project, load_environment


def test_one_policy_per_rule_of_the_right_kind() -> None:
    policies = crossguard_policies(StackSettings())
    assert [p.name for p in policies] == [r.id for r in all_rules()]
    for policy, rule in zip(policies, all_rules(), strict=True):
        expected = ResourceValidationPolicy if rule.per_object else StackValidationPolicy
        assert isinstance(policy, expected)
        assert policy.enforcement_level == EnforcementLevel(rule.severity)
        assert policy.remediation_steps == rule.fix


def test_levels_come_from_the_environment(repo_root: Path) -> None:
    settings = StackSettings.model_validate(
        {"policy": {"rules": {"probes-liveness": "mandatory", "anti-affinity": "disabled"}}}
    )
    levels = {p.name: p.enforcement_level for p in crossguard_policies(settings)}
    assert levels["probes-liveness"] == EnforcementLevel.MANDATORY
    assert levels["anti-affinity"] == EnforcementLevel.DISABLED
    assert levels["image-no-latest"] == EnforcementLevel.MANDATORY


def test_stack_config_is_read_as_pulumi_passes_it() -> None:
    """Pulumi gives policy packs the stack config in PULUMI_CONFIG; objects are JSON text."""
    environ = {
        "PULUMI_STACK": "prod",
        "PULUMI_CONFIG": json.dumps(
            {
                "knstack:namespace": "coffee-shop",
                "knstack:policy": json.dumps({"requireImageDigests": True, "maxCanaryStep": 25}),
                "knstack:reservedInstance": json.dumps({"enabled": True}),
                "kubernetes:context": "prod-eu",
            }
        ),
    }
    settings = stack_settings_from_environment(environ)
    assert settings.namespace == "coffee-shop"
    assert settings.policy.require_image_digests is True
    assert settings.policy.max_canary_step == 25
    assert settings.reserved_instance.enabled is True
    assert stack_settings_from_environment({}) == StackSettings()


def test_pack_config_overrides_the_stack_settings() -> None:
    base = context_for(
        StackSettings.model_validate({"policy": {"maxCanaryStep": 50, "requireImageDigests": True}})
    )
    ctx = context_with_config(
        base,
        {
            "maxCanaryStep": 20.0,
            "canarySteps": [{"service": "ns/a", "previous": 0.0, "next": 20.0}],
        },
    )
    assert ctx.settings.max_canary_step == 20
    assert ctx.settings.require_image_digests is True  # untouched
    assert [(s.service, s.previous, s.next) for s in ctx.canary_steps] == [("ns/a", 0, 20)]
    assert context_with_config(base, None) is base


def test_pack_config_of_an_environment_gives_the_same_verdicts(example, repo_root: Path) -> None:
    """`pack_config(settings)` passed as --policy-pack-config equals reading the stack config."""
    settings = load_environment(find_project(repo_root), "prod").settings
    config = pack_config(settings)
    assert config["image-digest"] == {"enforcementLevel": "mandatory", "requireImageDigests": True}
    assert config["min-scale-latency-sensitive"]["latencySensitive"] == ["coffee", "orders"]
    tagged = example.get("Deployment", "coffee-00002-deployment")
    tagged["spec"]["template"]["spec"]["containers"][0]["image"] = (
        "registry.example.com/coffee-shop/coffee:1.1.0"
    )
    from_stack = crossguard_path("image-digest", [tagged], Setup(), settings=settings)
    from_pack = crossguard_path(
        "image-digest", [tagged], Setup(), settings=StackSettings(), config=config["image-digest"]
    )
    assert len(from_stack) == 1
    assert from_pack == from_stack


def test_config_schema_names_the_settings_a_rule_reads() -> None:
    schemas = {p.name: p.config_schema for p in crossguard_policies(StackSettings())}
    assert set(schemas["container-concurrency-bounds"].properties) == {"containerConcurrency"}
    assert set(schemas["canary-max-step"].properties) == {"maxCanaryStep", "canarySteps"}
    assert set(schemas["min-scale-latency-sensitive"].properties) == {
        "latencySensitive",
        "reservedInstances",
    }
    assert schemas["image-no-latest"] is None
    # no defaults: Pulumi would fill them in and override the stack's own settings
    assert "default" not in json.dumps({k: v.properties for k, v in schemas.items() if v})


def test_resource_types_map_to_manifests() -> None:
    deployment = manifest_from_resource(
        "kubernetes:apps/v1:Deployment", {"metadata": {"name": "a"}}
    )
    assert deployment == {"metadata": {"name": "a"}, "apiVersion": "apps/v1", "kind": "Deployment"}
    assert manifest_from_resource("kubernetes:core/v1:Service", {})["apiVersion"] == "v1"
    assert (
        manifest_from_resource("kubernetes:serving.knative.dev/v1:Service", {})["apiVersion"]
        == "serving.knative.dev/v1"
    )
    assert manifest_from_resource("kubernetes:yaml/v2:ConfigGroup", {}) is None
    assert manifest_from_resource("pulumi:providers:kubernetes", {}) is None
    assert manifest_from_resource("aws:s3/bucket:Bucket", {}) is None


def test_stack_policies_judge_what_the_program_declared(example) -> None:
    """Outputs hold the live object (replicas set by the HPA); `__inputs` holds the declaration."""
    objects = example.manifests()
    for obj in objects:
        if obj["kind"] == "Deployment" and obj["metadata"]["name"] == "tea-00001-deployment":
            obj["__inputs"] = json.loads(json.dumps(obj))
            obj["spec"]["replicas"] = 5  # what the cluster reports
            obj["status"] = {"replicas": 5}
    assert crossguard_path("hpa-owns-replicas", objects, Setup()) == []


def test_unknown_values_are_left_to_the_sdk(example) -> None:
    """During preview an unknown prop raises; the SDK turns it into an advisory diagnostic."""
    deployment = example.get("Deployment", "coffee-00002-deployment")
    deployment["spec"]["template"]["spec"]["containers"][0]["image"] = UNKNOWN_STRING_VALUE
    with pytest.raises(UnknownValueError):
        manifest_from_resource(resource_type(deployment), engine_props(deployment))


def test_waivers_silence_crossguard_too(example) -> None:
    deployment = example.get("Deployment", "orders-00001-deployment")
    assert len(crossguard_path("probes-liveness", [deployment], Setup())) == 1
    deployment["metadata"]["annotations"] = {
        "knstack.dev/waive.probes-liveness": "gRPC health is checked by the mesh"
    }
    assert crossguard_path("probes-liveness", [deployment], Setup()) == []
    deployment["metadata"]["annotations"] = {
        "knstack.dev/waive.probes-liveness": "ok"
    }  # no reason: no waiver
    assert len(crossguard_path("probes-liveness", [deployment], Setup())) == 1


# --- the pack as Pulumi runs it -------------------------------------------------------------


@pytest.fixture()
def pack(repo_root: Path) -> Iterator[proto.AnalyzerStub]:
    """policies/ started as Pulumi starts a Python policy pack: it prints its port, then serves."""
    env = {
        "PATH": "/usr/bin:/bin",
        "PULUMI_STACK": "prod",
        "PULUMI_CONFIG": json.dumps({"knstack:policy": json.dumps({"requireImageDigests": True})}),
    }
    process = subprocess.Popen(
        [sys.executable, "-u", "."],
        cwd=repo_root / "policies",
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        stopped = process.poll() is not None
        assert line.strip().isdigit(), (
            f"the pack did not start: {line!r} {process.stderr.read() if stopped else ''}"
        )
        channel = grpc.insecure_channel(f"127.0.0.1:{line.strip()}")
        grpc.channel_ready_future(channel).result(timeout=30)
        yield proto.AnalyzerStub(channel)
        channel.close()
    finally:
        process.terminate()
        process.wait(timeout=10)


def _struct(manifest: dict) -> struct_pb2.Struct:
    struct = struct_pb2.Struct()
    struct.update(manifest)
    return struct


def test_the_pack_describes_every_policy(pack: proto.AnalyzerStub) -> None:
    info = pack.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "knstack"
    policies = {p.name: p for p in info.policies}
    assert list(policies) == [r.id for r in all_rules()]
    assert policies["image-no-latest"].enforcementLevel == proto.MANDATORY
    assert policies["probes-liveness"].enforcementLevel == proto.ADVISORY
    assert policies["traffic-known-revisions"].policy_type == proto.POLICY_TYPE_STACK
    assert policies["image-digest"].policy_type == proto.POLICY_TYPE_RESOURCE


def test_the_pack_judges_resources_with_the_stack_settings(
    pack: proto.AnalyzerStub, example
) -> None:
    good = example.get("Deployment", "coffee-00002-deployment")
    response = pack.Analyze(
        proto.AnalyzeRequest(
            type=resource_type(good), properties=_struct(good), urn=urn(good), name="coffee"
        )
    )
    assert sorted(d.policyName for d in response.diagnostics) == ["read-only-root-filesystem"]

    bad = example.get("Deployment", "coffee-00002-deployment")
    bad["spec"]["template"]["spec"]["containers"][0]["image"] = (
        "registry.example.com/coffee-shop/coffee:latest"
    )
    response = pack.Analyze(
        proto.AnalyzeRequest(
            type=resource_type(bad), properties=_struct(bad), urn=urn(bad), name="coffee"
        )
    )
    mandatory = sorted(
        d.policyName for d in response.diagnostics if d.enforcementLevel == proto.MANDATORY
    )
    # image-digest is mandatory only because the stack config (PULUMI_CONFIG) asks for digests
    assert mandatory == ["image-digest", "image-no-latest"]
    assert all(
        "Deployment coffee-shop/coffee-00002-deployment: field "
        "spec.template.spec.containers[0].image" in d.message
        for d in response.diagnostics
        if d.policyName.startswith("image")
    )


def test_the_pack_judges_the_stack(pack: proto.AnalyzerStub, example) -> None:
    objects = [o for o in example.manifests() if o["kind"] != "PodDisruptionBudget"]
    resources = [
        proto.AnalyzerResource(
            type=resource_type(o), properties=_struct(o), urn=urn(o), name=o["metadata"]["name"]
        )
        for o in objects
    ]
    response = pack.AnalyzeStack(proto.AnalyzeStackRequest(resources=resources))
    findings = [(d.policyName, d.urn) for d in response.diagnostics]
    assert findings == [
        (
            "pdb-min-scale",
            "urn:pulumi:prod::coffee-shop::kubernetes:apps/v1:Deployment::tea-00001-deployment",
        )
    ]


def test_the_components_platform_lies_under_the_stack_config(repo_root: Path) -> None:
    """lab installs Knative through components/platform.py, not its stack file: the pack,
    started in policies/, reads it as `knstack.build` does."""
    stack = yaml.safe_load((repo_root / "stacks" / "Pulumi.lab.yaml").read_text(encoding="utf-8"))
    config = {
        k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in stack["config"].items()
    }
    environ = {"PULUMI_STACK": "lab", "PULUMI_CONFIG": json.dumps(config)}
    alone = stack_settings_from_environment(environ)
    settings = stack_settings_from_environment(environ, project_dir=repo_root / "policies")
    assert alone.knative.install is False
    assert settings.knative.install is True
    assert settings.knative.config.autoscaler.scale_to_zero_grace_period == "60s"
    assert settings.knative.kourier == alone.knative.kourier  # the stack file's own keys win
