"""Images: no moving `latest`, digests where the environment asks, allowed registries only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from knstack.policy.model import MANDATORY, Manifest, RuleContext, Violation
from knstack.policy.objects import WORKLOADS, container_name, containers, pod_spec
from knstack.policy.registry import rule

DEFAULT_REGISTRY = "docker.io"


@dataclass(frozen=True)
class ImageRef:
    """An image reference split as the container runtime reads it."""

    name: str  # registry/repository, as written
    tag: str | None
    digest: str | None

    @classmethod
    def parse(cls, image: str) -> ImageRef:
        rest, _, digest = image.partition("@")
        slash = rest.rfind("/")
        colon = rest.rfind(":")
        if colon > slash:
            return cls(rest[:colon], rest[colon + 1 :], digest or None)
        return cls(rest, None, digest or None)

    def canonical_name(self) -> str:
        """With the registry spelt out: `nginx` -> `docker.io/library/nginx`."""
        first, _, remainder = self.name.partition("/")
        if not remainder:
            return f"{DEFAULT_REGISTRY}/library/{self.name}"
        if "." in first or ":" in first or first == "localhost":
            return self.name
        return f"{DEFAULT_REGISTRY}/{self.name}"


def _images(obj: Manifest) -> Iterator[tuple[str, str, str]]:
    """(image, container name, field path) of every container of a workload."""
    found = pod_spec(obj)
    if found is None:
        return
    spec, base = found
    for container, path in containers(spec, base):
        yield str(container.get("image") or ""), container_name(container, path), f"{path}.image"


@rule(
    id="image-no-latest",
    title="Images name a fixed version, not `latest` or no tag at all",
    severity=MANDATORY,
    kinds=WORKLOADS,
    fix="Use a versioned tag (image:1.2.3) or, better, a digest (image@sha256:...).",
    rationale="`latest` (also implied by a missing tag) moves: two pods of one revision can run "
    "different code, and a rollback does not bring the old code back.",
)
def image_no_latest(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for image, container, where in _images(obj):
        parsed = ImageRef.parse(image)
        if parsed.digest:
            continue  # a digest pins the content whatever the tag says
        if parsed.tag is None:
            yield Violation(
                obj,
                where,
                f"container {container!r}: image {image!r} has no tag, so it means 'latest'",
            )
        elif parsed.tag == "latest":
            yield Violation(
                obj, where, f"container {container!r}: image {image!r} uses the moving tag 'latest'"
            )


@rule(
    id="image-digest",
    title="Images are pinned by digest (environments with requireImageDigests)",
    severity=MANDATORY,
    kinds=WORKLOADS,
    settings=("require_image_digests",),
    fix="Append the digest the registry reports: image:1.2.3@sha256:<64 hex digits> "
    "(e.g. `crane digest image:1.2.3`).",
    rationale="A tag can be pushed again; only a digest guarantees that what was tested is what "
    "runs. Production environments set requireImageDigests.",
)
def image_digest(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    if not ctx.settings.require_image_digests:
        return
    for image, container, where in _images(obj):
        if not ImageRef.parse(image).digest:
            yield Violation(
                obj, where, f"container {container!r}: image {image!r} is not pinned by digest"
            )


@rule(
    id="image-registry",
    title="Images come from the environment's allowed registries",
    severity=MANDATORY,
    kinds=WORKLOADS,
    settings=("allowed_registries",),
    fix="Push the image to an allowed registry (knstack:policy allowedRegistries) and use "
    "that name.",
    rationale="Allowed registries are scanned and mirrored; an image from elsewhere bypasses both.",
)
def image_registry(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    allowed = [p.rstrip("/") for p in ctx.settings.allowed_registries]
    if not allowed:
        return
    for image, container, where in _images(obj):
        parsed = ImageRef.parse(image)
        names = {parsed.name, parsed.canonical_name()}
        if not any(n == p or n.startswith(p + "/") for n in names for p in allowed):
            yield Violation(
                obj,
                where,
                f"container {container!r}: image {image!r} is not from an allowed registry "
                f"({', '.join(allowed)})",
            )
