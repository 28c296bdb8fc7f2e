"""The real Pulumi engine, offline: `pulumi up` with the kubernetes provider rendering to a
directory writes what `knstack render` writes, and a canary step changes routing only."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.pulumi_cli import PulumiCli, by_key, differences, read_objects

pytestmark = pytest.mark.e2e

Render = Callable[[str], dict[str, list[dict[str, Any]]]]


def canonical(objects: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(o, sort_keys=True) for o in objects)


def assert_same_objects(
    got: dict[str, list[dict[str, Any]]], expected: dict[str, list[dict[str, Any]]]
) -> set:
    """Same clusters, same objects; returns the objects that differ in spelling only."""
    assert sorted(got) == sorted(expected)
    spelled = set()
    for cluster in expected:
        real, spelling = differences(got[cluster], expected[cluster])
        assert not real, f"{cluster}: {sorted(real)}"
        spelled |= spelling
    return spelled


def up(pulumi: PulumiCli, env: str, render_dir: Path) -> None:
    pulumi.run("up", "--stack", env, "--yes", env={"KNSTACK_RENDER_DIR": str(render_dir)})


def written(render_dir: Path, env: str) -> dict[str, list[dict[str, Any]]]:
    """What the provider wrote, per cluster (its own 0-crd/ and 1-manifest/ layout)."""
    return {d.name: read_objects(d) for d in sorted((render_dir / env).iterdir())}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_up_then_a_canary_step_updates_the_routing_objects_only(
    pulumi: PulumiCli, pulumi_project: Path, knstack_render: Render, tmp_path: Path
) -> None:
    stack_file = pulumi_project / "stacks" / "Pulumi.staging.yaml"
    # Three stages, so that the next step keeps both revisions serving (10% -> 50%).
    edit(stack_file, "stages: [50, 100]", "stages: [10, 50, 100]")
    render_dir = tmp_path / "rendered"
    pulumi.run("stack", "init", "staging")
    up(pulumi, "staging", render_dir)
    before = knstack_render("staging")
    assert assert_same_objects(written(render_dir, "staging"), before) == set()

    edit(stack_file, "      stage: 1\n", "      stage: 2\n")
    after = knstack_render("staging")
    old, new = by_key(before["staging-eu"]), by_key(after["staging-eu"])
    assert set(old) == set(new)  # nothing appears or goes: only the split moves
    changed = {key for key in new if new[key] != old[key]}
    assert changed == {("gateway.networking.k8s.io/v1", "HTTPRoute", "coffee-shop", "coffee")}

    preview = pulumi.run(
        "preview", "--stack", "staging", "--json", env={"KNSTACK_RENDER_DIR": str(render_dir)}
    ).json()
    steps = [s for s in preview["steps"] if s["op"] != "same"]
    assert {s["op"] for s in steps} == {"update"}
    updated = {s["urn"].rsplit("::", 1)[1] for s in steps}
    assert updated == {f"staging-eu/{ns}/{name}" for _, _, ns, name in changed}
    for step in steps:
        # a routing object, registered by a knstack:serving:Route component
        assert "$knstack:serving:Route$kubernetes:" in step["urn"]
        assert set(step["detailedDiff"]) == {
            "spec.rules[0].backendRefs[0].weight",
            "spec.rules[0].backendRefs[1].weight",
        }

    up(pulumi, "staging", render_dir)
    assert assert_same_objects(written(render_dir, "staging"), after) == set()
    outputs = pulumi.run("stack", "output", "clusters", "--json", "--stack", "staging").json()
    traffic = outputs["staging-eu"]["services"]["coffee-shop/coffee"]["traffic"]
    assert [(t["revisionName"], t["percent"], t.get("tag")) for t in traffic] == [
        ("coffee-00001", 50, None),
        ("coffee-00002", 50, None),
        ("coffee-00002", 0, "candidate"),
    ]


@pytest.mark.parametrize("env", ["prod", "lab"])
def test_up_renders_every_cluster_like_knstack_render(
    pulumi: PulumiCli, knstack_render: Render, tmp_path: Path, env: str
) -> None:
    """prod: two clusters, two providers, two directories; lab: Knative's CRDs and control plane."""
    render_dir = tmp_path / "rendered"
    pulumi.run("stack", "init", env)
    up(pulumi, env, render_dir)
    got = written(render_dir, env)
    expected = knstack_render(env)
    assert sorted(expected) == {"prod": ["prod-eu", "prod-us"], "lab": ["lab-1"]}[env]
    spelled = assert_same_objects(got, expected)
    # Only Knative's own Deployments carry quantities like 1000m and empty env values.
    assert {(kind, ns) for _, kind, ns, _ in spelled} <= {("Deployment", "knative-serving")}
    assert bool(spelled) == (env == "lab")
    for cluster in expected:
        crds = [o for o in expected[cluster] if o["kind"] == "CustomResourceDefinition"]
        # the provider's own layout: CRDs apart, to apply first
        crd_dir = render_dir / env / cluster / "0-crd"
        assert canonical(read_objects(crd_dir) if crd_dir.is_dir() else []) == canonical(crds)
        assert (len(crds) > 0) == (env == "lab")
