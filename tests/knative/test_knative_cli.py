"""`knstack render` with the knative backend, run through the real command line entry point."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knstack.cli import main


def _docs(directory: Path) -> dict[str, dict]:
    return {
        p.name: yaml.safe_load(p.read_text(encoding="utf-8"))
        for p in sorted(directory.glob("*.yaml"))
        if p.name != "kustomization.yaml"
    }


def test_render_the_lab_environment(example_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert (
        main(["render", "--stack", "lab", "-C", str(example_project), "-o", str(out), "--locked"])
        == 0
    )
    docs = _docs(out / "lab" / "lab-1")
    coffee = docs["06_service.serving.knative.dev_coffee-shop_coffee.yaml"]
    assert coffee["spec"]["template"]["metadata"]["name"] == "coffee-00002"
    assert [(t["revisionName"], t["percent"], t.get("tag")) for t in coffee["spec"]["traffic"]] == [
        ("coffee-00001", 70, None),
        ("coffee-00002", 30, "candidate"),
    ]
    # components/platform.py, with the stack file's keys laid over it.
    autoscaler = docs["03_configmap_knative-serving_config-autoscaler.yaml"]["data"]
    assert autoscaler["scale-to-zero-grace-period"] == "60s"
    assert (
        docs["03_configmap_knative-serving_config-observability.yaml"]["data"]["metrics-protocol"]
        == "prometheus"
    )
    assert (
        docs["03_configmap_knative-serving_config-domain.yaml"]["data"]["lab.coffee.example.com"]
        == ""
    )
    activator = docs["04_deployment.apps_knative-serving_activator.yaml"]["spec"]["template"][
        "spec"
    ]["containers"][0]
    assert activator["resources"]["requests"] == {"cpu": "500m", "memory": "100Mi"}
    # tea is HPA class: the HPA autoscaler comes with the install.
    assert "04_deployment.apps_knative-serving_autoscaler-hpa.yaml" in docs
    kustomization = yaml.safe_load(
        (out / "lab" / "lab-1" / "kustomization.yaml").read_text(encoding="utf-8")
    )
    assert len(kustomization["resources"]) == len(docs)


def test_render_is_deterministic(example_project: Path, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    assert main(["render", "--stack", "lab", "-C", str(example_project), "-o", str(first)]) == 0
    assert main(["render", "--stack", "lab", "-C", str(example_project), "-o", str(second)]) == 0
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for name in files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_backend_override_on_a_kubernetes_environment(
    example_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert (
        main(
            [
                "render",
                "--stack",
                "prod",
                "--backend",
                "knative",
                "-C",
                str(example_project),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    for cluster in ("prod-eu", "prod-us"):
        docs = _docs(out / "prod" / cluster)
        kinds = {doc["kind"] for doc in docs.values()}
        assert "HTTPRoute" not in kinds and "CustomResourceDefinition" in kinds
        # prod is highly available (components/platform.py).
        assert docs["04_deployment.apps_knative-serving_controller.yaml"]["spec"]["replicas"] == 2
        defaults = docs["03_configmap_knative-serving_config-defaults.yaml"]["data"]
        assert defaults["revision-cpu-limit"] == "1"


def test_kubernetes_environments_are_unchanged_by_the_platform(
    example_project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert main(["render", "--stack", "test", "-C", str(example_project), "-o", str(out)]) == 0
    kinds = {doc["kind"] for doc in _docs(out / "test" / "test-1").values()}
    assert "Deployment" in kinds and not {"CustomResourceDefinition", "ConfigMap"} & kinds


def test_render_plain_files_with_the_knative_backend(
    corpus_files: list[Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["render", "-f", str(corpus_files[0]), "--backend", "knative"]) == 0
    docs = [d for d in yaml.safe_load_all(capsys.readouterr().out) if d]
    assert docs and all(d["apiVersion"] == "serving.knative.dev/v1" for d in docs)
    assert all(t.get("revisionName") for d in docs for t in d["spec"].get("traffic", []))


def test_bad_knative_settings_exit_2_and_write_nothing(
    example_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = example_project / "stacks" / "Pulumi.lab.yaml"
    stack.write_text(
        stack.read_text(encoding="utf-8").replace(
            "metrics-protocol: prometheus", "metrics-protocol: statsd"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["render", "--stack", "lab", "-C", str(example_project), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert (
        "Pulumi.lab.yaml" in err
        and 'config."knstack:knative".config.observability.metrics-protocol' in err
    )
    assert not out.exists()
