"""Image references: knstack's parser (knstack/api/validation/image_ref.py) against Knative's
webhook (go-containerregistry's ParseReference inside tools/knative-oracle), on hand-picked
edge cases and on generated strings over the characters that matter."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from knstack.api.validation.image_ref import image_reference_error
from tests.oracle.generator import base
from tests.oracle.judges import find_oracle, knative_verdicts, write_config

EDGE_CASES = [
    "nginx",
    "nginx:",
    "nginx:1.27",
    "x",
    "ab",
    "Nginx",
    "library/nginx:latest",
    "registry.example.com/shop:1",
    "registry.example.com:5000/shop:1",
    "registry.example.com:/shop",
    "registry.example.com:50a0/shop",
    "localhost/shop",
    "localhost:5000/shop",
    "[::1]:5000/shop",
    "[::1/shop",
    "[fe80::zz]:5000/shop",
    "ex[1].com/shop",
    "Registry.Example.com/shop",
    "reg_istry.example.com/shop",
    "reg istry.example.com/shop",
    "reg%41.example.com/shop",
    "user@registry.example.com/shop",
    "shop@sha256:" + "a" * 64,
    "shop@sha256:" + "A" * 64,
    "shop@sha256:" + "a" * 63,
    "shop@sha512:" + "a" * 128,
    "shop:1@sha256:" + "b" * 64,
    "registry.example.com:5000/shop:1@sha256:" + "c" * 64,
    "shop@@sha256:" + "a" * 64,
    "Registry/Shop::1",
    "shop:" + "t" * 128,
    "shop:" + "t" * 129,
    "shop:v1.2_3-rc",
    "shop:v1+2",
    "a/b/c/d:1",
    "ex.com/" + "r" * 255,
    "ex.com/" + "r" * 256,
    "gcr.io/knative-samples/helloworld-go",
    "docker.io/{username}/app",
    "<image>",
    "ko://example.com/cmd/app",
    "shop/",
    "/shop",
    ":1",
    "ex.com:/",
    "a..b/c",
    "é.example.com/shop",
]
_ALPHABET = "abAB09._-/:@ %[]é"


def _generated(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        length = rng.randint(1, 14)
        out.append("".join(rng.choice(_ALPHABET) for _ in range(length)))
    return out


def _knative_accepts(images: list[str], tmp: Path) -> list[bool]:
    oracle = find_oracle()
    if oracle is None:
        pytest.fail("knative-oracle is not built (scripts/bootstrap-tools.sh tests)")
    docs = []
    for image in images:
        doc = base("Service", "shop")
        doc["spec"]["template"]["spec"]["containers"][0]["image"] = image
        docs.append(doc)
    verdicts = knative_verdicts(oracle, docs, write_config(tmp / "config.json"))
    return [not any("Failed to parse image reference" in m for m in v.messages) for v in verdicts]


def test_image_references_parse_as_knative_parses_them(tmp_path: Path) -> None:
    images = EDGE_CASES + _generated(2000, seed=20261204)
    knative = _knative_accepts(images, tmp_path)
    disagree = [
        (image, "Knative accepts" if accepted else "Knative rejects")
        for image, accepted in zip(images, knative, strict=True)
        if accepted != (image_reference_error(image) is None)
    ]
    assert disagree == []
    # The edge cases exercise both sides.
    assert any(knative[: len(EDGE_CASES)]) and not all(knative[: len(EDGE_CASES)])


def test_the_message_gives_go_containerregistrys_reason() -> None:
    assert image_reference_error("x") == (
        "Failed to parse image reference: repository must be between 2 and 255 characters "
        "in length: x"
    )
    assert "unsupported digest algorithm" in str(image_reference_error("ab@md5:00"))
