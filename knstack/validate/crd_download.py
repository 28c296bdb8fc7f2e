"""Optional: fetch the CRDs of the projects knstack emits objects for, at pinned releases.

Offline use needs none of this: point knstack at a directory of CRD files instead
(`--crds DIR`). With a network, `--download-crds` fetches each release file once into the
cache (`<cache>/crd-downloads/`) and validation uses it from there afterwards.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from knstack.errors import InputError, Problem
from knstack.fsutil import atomic_write_text
from knstack.validate.cache import cache_root


@dataclass(frozen=True)
class CrdRelease:
    project: str
    version: str
    url: str

    @property
    def file_name(self) -> str:
        return f"{self.project}-{self.version}.yaml"


# The releases knstack's output targets. Release files that also hold workloads (Tekton's)
# are fine: only their CustomResourceDefinitions are read.
PINNED_RELEASES: tuple[CrdRelease, ...] = (
    CrdRelease(
        "knative-serving",
        "knative-v1.23.0",
        "https://github.com/knative/serving/releases/download/knative-v1.23.0/serving-crds.yaml",
    ),
    CrdRelease(
        "gateway-api",
        "v1.4.0",
        "https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.0/standard-install.yaml",
    ),
    CrdRelease(
        "keda",
        "v2.20.1",
        "https://github.com/kedacore/keda/releases/download/v2.20.1/keda-2.20.1-crds.yaml",
    ),
    CrdRelease(
        "keda-http-add-on",
        "v0.15.0",
        "https://github.com/kedacore/http-add-on/releases/download/v0.15.0/keda-add-ons-http-0.15.0-crds.yaml",
    ),
    CrdRelease(
        "istio",
        "1.28.0",
        "https://raw.githubusercontent.com/istio/istio/1.28.0/manifests/charts/base/files/crd-all.gen.yaml",
    ),
    CrdRelease(
        "tekton-pipeline",
        "v1.15.0",
        "https://github.com/tektoncd/pipeline/releases/download/v1.15.0/release.yaml",
    ),
)


def download_crds(
    releases: Sequence[CrdRelease] = PINNED_RELEASES,
    cache_dir: Path | None = None,
    *,
    timeout: float = 60.0,
) -> Path:
    """The directory holding every release file, downloading those not there yet."""
    target = (cache_dir or cache_root()) / "crd-downloads"
    problems: list[Problem] = []
    for release in releases:
        path = target / release.file_name
        if path.is_file():
            continue
        try:
            text = _fetch(release.url, timeout)
        except (OSError, UnicodeDecodeError) as err:  # URLError and timeouts are OSErrors
            reason = getattr(err, "reason", None) or err
            problems.append(
                Problem(
                    f"cannot download the {release.project} {release.version} CRDs: {reason}",
                    file=release.url,
                )
            )
            continue
        if "CustomResourceDefinition" not in text:
            problems.append(
                Problem(
                    f"the {release.project} {release.version} download holds no CustomResourceDefinition",
                    file=release.url,
                )
            )
            continue
        digest = hashlib.sha256(text.encode()).hexdigest()
        atomic_write_text(path, f"# from {release.url}\n# sha256 {digest}\n{text}")
    if problems:
        raise InputError(problems)
    return target


def _fetch(url: str, timeout: float) -> str:
    import urllib.request  # here: every `knstack validate` imports this module, few download

    request = urllib.request.Request(url, headers={"User-Agent": "knstack"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        data: bytes = response.read()
    return data.decode("utf-8")
