"""Done-when: every example environment and every corpus sample renders to manifests that
pass kubeconform -strict against real schemas, offline.

The matrix is (backend, gateway) pairs: a backend or gateway added to knstack is one
more entry in RENDER_VARIANTS.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from knstack.build import build_environment, build_files
from knstack.errors import InputError
from knstack.render import write_environment
from knstack.stack import find_project
from knstack.validate import SchemaOptions, ValidationReport, validate_build, validate_paths
from tests.conftest import without_keda_http_add_on

ENVIRONMENTS = ("test", "staging", "prod")
RENDER_VARIANTS = (
    ("kubernetes", "gateway-api"),
    ("kubernetes", "nginx"),
    ("kubernetes", "alb"),
    ("kubernetes", "istio"),
    ("knative", "gateway-api"),
)
# Every example cluster declares the KEDA HTTP add-on. The ALB refuses every revision it
# scales, and NGINX those that share a host (coffee's canary in test and staging): those
# refusals are tested in tests/gateways; here the environments are checked without the add-on.
REFUSED = {("kubernetes", "alb", env) for env in ENVIRONMENTS} | {
    ("kubernetes", "nginx", "test"),
    ("kubernetes", "nginx", "staging"),
}


def assert_all_valid(report: ValidationReport) -> None:
    failures = [(r.file, r.label, r.errors, r.message) for r in report.failures]
    assert failures == []
    assert report.ok and report.results
    assert {r.status for r in report.results} == {"valid"}


@pytest.mark.parametrize(("backend", "gateway"), RENDER_VARIANTS)
@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_example_environment_passes_strict(
    example_project: Path, schema_options: SchemaOptions, env: str, backend: str, gateway: str
) -> None:
    if (backend, gateway, env) in REFUSED:
        without_keda_http_add_on(example_project, env)
    build = build_environment(find_project(example_project), env, backend=backend, gateway=gateway)
    report = validate_build(build, schema_options)
    assert_all_valid(report)
    # Every rendered object was checked, each against a real schema (none skipped).
    assert len(report.results) == sum(len(c.manifests) for c in build.clusters)
    kinds = {r.kind for r in report.results}
    if backend == "kubernetes":
        assert {"Deployment", "Service", "Namespace"} <= kinds
        routing = {
            "gateway-api": "HTTPRoute",
            "nginx": "Ingress",
            "alb": "Ingress",
            "istio": "VirtualService",
        }
        assert routing[gateway] in kinds
    else:
        assert {"Service", "CustomResourceDefinition"} <= kinds  # Knative Services and the install
    clusters = {r.file.split("/")[1] for r in report.results}
    assert clusters == {c.name for c in build.clusters}


def test_prod_checks_both_clusters(example_project: Path, schema_options: SchemaOptions) -> None:
    build = build_environment(find_project(example_project), "prod")
    report = validate_build(build, schema_options)
    assert {r.file.split("/")[1] for r in report.results} == {"prod-eu", "prod-us"}


@pytest.mark.parametrize(("backend", "gateway"), RENDER_VARIANTS)
def test_every_corpus_sample_renders_to_valid_manifests(
    corpus_files: list[Path],
    schema_options: SchemaOptions,
    tmp_path: Path,
    backend: str,
    gateway: str,
) -> None:
    """`knstack render -f SAMPLE -o DIR` for each sample, then one `knstack validate DIR`."""
    expected = 0
    rendered: list[Path] = []
    for sample in corpus_files:
        try:
            build = build_files([sample], backend=backend, gateway=gateway)
        except InputError as err:
            # NGINX and the ALB speak HTTP/1 to backends and refuse h2c revisions (gRPC samples).
            assert gateway in ("nginx", "alb") and "serves h2c" in str(err), str(err)
            assert "h2c" in sample.read_text()
            continue
        write_environment(build, tmp_path / sample.stem)
        rendered.append(sample)
        expected += sum(len(c.manifests) for c in build.clusters)
    assert len(rendered) >= len(corpus_files) - 2
    corpus_files = rendered
    report = validate_paths([tmp_path], schema_options)
    assert [(r.file, r.label, r.errors, r.message) for r in report.failures] == []
    assert report.count("valid") == expected
    # The only objects not checked are render's kustomization.yaml files (not cluster objects).
    skipped = [r for r in report.results if r.status == "skipped"]
    assert {r.kind for r in skipped} == {"Kustomization"} and len(skipped) == len(corpus_files)
    assert {Path(r.file).relative_to(tmp_path).parts[0] for r in report.results} == {
        s.stem for s in corpus_files
    }


def test_corpus_samples_pass_the_knative_crd_schemas_as_written(
    corpus_files: list[Path], schema_options: SchemaOptions
) -> None:
    """The Knative objects themselves (what the knative backend applies) pass strict mode."""
    report = validate_paths(corpus_files, schema_options)
    assert_all_valid(report)
    assert {r.kind for r in report.results} == {"Service"}
    assert len({r.file for r in report.results}) == len(corpus_files)


def test_stack_results_name_the_rendered_file_and_namespace(
    example_project: Path, schema_options: SchemaOptions
) -> None:
    """Each failure points at the file `knstack render` writes, even among same-named objects."""
    build = build_environment(find_project(example_project), "test")
    manifests = build.clusters[0].manifests
    route = next(
        m for m in manifests if m["kind"] == "HTTPRoute" and m["metadata"]["name"] == "coffee"
    )
    route["spec"]["hostnamez"] = route["spec"].pop("hostnames")
    twin = copy.deepcopy(route)  # same kind and name, another namespace, valid
    twin["metadata"]["namespace"] = "other"
    twin["spec"]["hostnames"] = twin["spec"].pop("hostnamez")
    manifests.append(twin)
    report = validate_build(build, schema_options)
    assert [(r.file, r.label, [e.field for e in r.errors]) for r in report.failures] == [
        (
            "test/test-1/06_httproute.gateway.networking.k8s.io_coffee-shop_coffee.yaml",
            "HTTPRoute coffee-shop/coffee",
            ["spec.hostnamez"],
        )
    ]
    twin_result = next(r for r in report.results if r.namespace == "other")
    assert (twin_result.file, twin_result.status) == (
        "test/test-1/06_httproute.gateway.networking.k8s.io_other_coffee.yaml",
        "valid",
    )
