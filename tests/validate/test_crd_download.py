"""The optional download of pinned CRD releases, exercised against a local HTTP server.

The real release URLs need a network this machine does not have; the code path (fetch,
check, cache, reuse, report failures) is the same for a server on 127.0.0.1 serving the
upstream CRD files.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from knstack.errors import InputError
from knstack.validate.crd_download import PINNED_RELEASES, CrdRelease, download_crds
from knstack.validate.crds import crd_files, crd_schemas, sources_from_files
from knstack.validate.kubernetes_schemas import kubernetes_schemas


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture()
def server(upstream_crds: Path) -> Iterator[tuple[str, list[str]]]:
    requests: list[str] = []

    class Handler(_QuietHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            super().do_GET()

    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Handler, directory=str(upstream_crds))
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_pinned_releases_cover_every_project() -> None:
    assert [r.project for r in PINNED_RELEASES] == [
        "knative-serving",
        "gateway-api",
        "keda",
        "keda-http-add-on",
        "istio",
        "tekton-pipeline",
    ]
    assert all(r.url.startswith("https://") and r.version in r.url for r in PINNED_RELEASES)


def test_download_caches_and_feeds_the_converter(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, requests = server
    releases = (
        CrdRelease(
            "gateway-api",
            "test",
            f"{base}/gateway-api/config/crd/standard/gateway.networking.k8s.io_httproutes.yaml",
        ),
        CrdRelease("keda", "test", f"{base}/keda/config/crd/bases/keda.sh_scaledobjects.yaml"),
    )
    directory = download_crds(releases, tmp_path, timeout=10)
    assert sorted(p.name for p in directory.iterdir()) == [
        "gateway-api-test.yaml",
        "keda-test.yaml",
    ]
    assert len(requests) == 2
    assert download_crds(releases, tmp_path, timeout=10) == directory
    assert len(requests) == 2  # cached: not fetched again
    schemas = crd_schemas(
        sources_from_files(crd_files([directory])), kubernetes_schemas("1.33.0", tmp_path), tmp_path
    )
    assert {"gateway.networking.k8s.io/v1 HTTPRoute", "keda.sh/v1alpha1 ScaledObject"} <= set(
        schemas.kinds
    )


def test_download_failures_name_the_url_and_write_nothing(
    server: tuple[str, list[str]], tmp_path: Path
) -> None:
    base, _ = server
    missing = CrdRelease("nothing", "v0", f"{base}/no/such/file.yaml")
    not_crds = CrdRelease("readme", "v0", f"{base}/README.md")
    with pytest.raises(InputError) as caught:
        download_crds((missing, not_crds), tmp_path, timeout=10)
    messages = [str(p) for p in caught.value.problems]
    assert messages[0].startswith(f"{missing.url}: cannot download the nothing v0 CRDs")
    assert (
        messages[1] == f"{not_crds.url}: the readme v0 download holds no CustomResourceDefinition"
    )
    assert not (tmp_path / "crd-downloads").exists() or not any(
        (tmp_path / "crd-downloads").iterdir()
    )
