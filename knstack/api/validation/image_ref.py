"""Image references as Knative's webhook parses them.

Knative refuses a container whose image `name.ParseReference(image, name.WeakValidation)`
cannot parse (knative/serving pkg/apis/serving/k8s_validation.go, validateContainer). The
rules below are go-containerregistry's (google/go-containerregistry pkg/name: tag.go,
digest.go, repository.go, registry.go, check.go), and the registry must be a URI authority
as Go's net/url parses it (golang/go src/net/url/url.go, parseHost and shouldEscape; since
Go 1.24.8 brackets must hold an IPv6 address).
"""

from __future__ import annotations

import ipaddress
import re

TAG_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_-.ABCDEFGHIJKLMNOPQRSTUVWXYZ"
REPOSITORY_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_-./"
# Characters net/url leaves unescaped in a host (encodeHost), besides letters and digits.
_HOST_PUNCTUATION = frozenset("!$&'()*+,;=:[]<>\"-_.~")
_SHA256_HEX = re.compile(r"[a-f0-9]{64}")


class BadImageReference(ValueError):
    """The reason go-containerregistry gives, in its words."""


def image_reference_error(image: str) -> str | None:
    """Knative's error for an unparsable image (None when it parses)."""
    try:
        parse_reference(image)
    except BadImageReference as err:
        return f"Failed to parse image reference: {err}"
    return None


def parse_reference(image: str) -> None:
    """Raise BadImageReference unless `image` parses as a tag or a digest reference (the
    reason given is the digest's when the image has an `@`, else the tag's)."""
    try:
        _check_tag_reference(image)
        return
    except BadImageReference as err:
        as_tag = err
    try:
        _check_digest_reference(image)
    except BadImageReference as as_digest:
        raise (as_digest if "@" in image else as_tag) from None


def _split_tag(name: str) -> tuple[str, str]:
    """name.NewTag's split: a trailing `:x` without a slash is a tag (empty: none given)."""
    parts = name.split(":")
    if len(parts) > 1 and "/" not in parts[-1]:
        return ":".join(parts[:-1]), parts[-1]
    return name, ""


def _check_tag_reference(name: str) -> None:
    """name.NewTag: an optional tag (an empty one means latest) after a repository."""
    base, tag = _split_tag(name)
    if tag:
        _check_element("tag", tag, TAG_CHARS, 1, 128)
    _check_repository_name(base)


def _check_digest_reference(name: str) -> None:
    """name.NewDigest: exactly one `@`, then sha256 and 64 lowercase hex digits."""
    parts = name.split("@")
    if len(parts) != 2:
        raise BadImageReference(
            "a digest must contain exactly one '@' separator (e.g. registry/repository@digest) "
            f"saw: {name}"
        )
    base, digest = parts
    if not digest.startswith("sha256:"):
        raise BadImageReference(f"unsupported digest algorithm: {digest}")
    hex_part = digest.removeprefix("sha256:")
    if len(hex_part) != 64:
        raise BadImageReference("invalid checksum digest length")
    if not _SHA256_HEX.fullmatch(hex_part):
        raise BadImageReference("invalid checksum digest format")
    try:
        _check_tag_reference(base)  # repo:tag@sha256:... names the repository of the tag
        base = _split_tag(base)[0]
    except BadImageReference:
        pass
    _check_repository_name(base)


def _check_repository_name(name: str) -> None:
    """name.NewRepository: an optional registry (a first part with `.` or `:`), then the path."""
    if not name:
        raise BadImageReference("a repository name must be specified")
    registry, repository = "", name
    first, sep, rest = name.partition("/")
    if sep and ("." in first or ":" in first):
        registry, repository = first, rest
    _check_element("repository", repository, REPOSITORY_CHARS, 2, 255)
    if registry and not _is_uri_authority(registry):
        raise BadImageReference(f"registries must be valid RFC 3986 URI authorities: {registry}")


def _check_element(what: str, element: str, allowed: str, low: int, high: int) -> None:
    if not low <= len(element) <= high:
        raise BadImageReference(
            f"{what} must be between {low} and {high} characters in length: {element}"
        )
    if any(c not in allowed for c in element):
        raise BadImageReference(f"{what} can only contain the characters `{allowed}`: {element}")


def _is_uri_authority(host: str) -> bool:
    """Whether url.Parse("//" + host) gives back `host` as its Host."""
    if any(c in host for c in "/?#@%") or any(ord(c) < 0x21 or ord(c) == 0x7F for c in host):
        return False
    if host.startswith("["):  # an IPv6 literal, and only that, in brackets (Go 1.24.8+)
        close = host.rfind("]")
        if close < 0 or not _valid_optional_port(host[close + 1 :]):
            return False
        try:
            ipaddress.IPv6Address(host[1:close])
        except ValueError:
            return False
        host = host[close + 1 :]
    elif (
        "[" in host
        or "]" in host
        or ((colon := host.rfind(":")) >= 0 and not _valid_optional_port(host[colon:]))
    ):
        return False
    return all(not c.isascii() or c.isalnum() or c in _HOST_PUNCTUATION for c in host)


def _valid_optional_port(port: str) -> bool:
    return port == "" or (port[0] == ":" and all("0" <= c <= "9" for c in port[1:]))
