"""Renders are byte-identical across refactors: every example environment under each
backend and gateway, and every Knative docs sample under each backend, hashes to the
sha256 pinned in `render_pins.json`.

A changed pin is a changed render. Update the pins only for a bug fix that changes
output on purpose, with the fix named in the commit message:

    .venv/bin/python -m tests.core.test_render_pins --update
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from knstack.build import build_environment, build_files
from knstack.errors import InputError
from knstack.render.writer import rendered_files, stream
from knstack.stack import find_project
from tests.conftest import KEDA_HTTP_ADD_ON, REPO, filled_in_corpus

PINS = Path(__file__).with_name("render_pins.json")
ENVIRONMENTS = ("test", "staging", "prod", "lab")
BACKENDS = ("kubernetes", "knative")
GATEWAYS = ("gateway-api", "istio", "nginx", "alb")


def _digest(files: dict[str, str]) -> str:
    sha = hashlib.sha256()
    for path in sorted(files):
        sha.update(path.encode() + b"\0" + files[path].encode() + b"\0")
    return sha.hexdigest()


def _copy_project(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "Pulumi.yaml", target / "Pulumi.yaml")
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(REPO / "components", target / "components", ignore=ignore)
    shutil.copytree(REPO / "stacks", target / "stacks")
    return target


def _environment_renders(root: Path) -> Iterator[tuple[str, str]]:
    project = find_project(root)
    for env in ENVIRONMENTS:
        for backend in BACKENDS:
            for gateway in (None, *GATEWAYS):
                key = f"env {env} backend {backend} gateway {gateway or 'stack'}"
                try:
                    build = build_environment(project, env, backend=backend, gateway=gateway)
                except InputError as refused:  # a refusal is pinned too: its message
                    message = str(refused).replace(str(root), "<project>")
                    yield key, "refused " + _digest({"message": message})
                    continue
                yield key, _digest(rendered_files(build))


# The Ingress gateways refuse what the KEDA HTTP add-on (on every example cluster) scales;
# their Ingresses are pinned from a copy with the add-on taken off.
INGRESS_GATEWAYS = ("nginx", "alb")
ADD_ON_ENVIRONMENTS = ("test", "staging", "prod")  # lab runs Knative itself
WITHOUT_ADD_ON = "without keda-http-add-on"


def _ingress_renders_without_add_on(root: Path) -> Iterator[tuple[str, str]]:
    for env in ADD_ON_ENVIRONMENTS:
        stack = root / "stacks" / f"Pulumi.{env}.yaml"
        stack.write_text(stack.read_text().replace(KEDA_HTTP_ADD_ON, ""))
    project = find_project(root)
    for env in ADD_ON_ENVIRONMENTS:
        for gateway in INGRESS_GATEWAYS:
            build = build_environment(project, env, backend="kubernetes", gateway=gateway)
            yield (
                f"env {env} backend kubernetes gateway {gateway} {WITHOUT_ADD_ON}",
                _digest(rendered_files(build)),
            )


def _sample_renders(root: Path) -> Iterator[tuple[str, str]]:
    for sample in filled_in_corpus(root):
        for backend in BACKENDS:
            build = build_files([sample], backend=backend)
            yield f"sample {sample.stem} backend {backend}", _digest({"stream": stream(build)})


def _renders(root: Path) -> dict[str, str]:
    plain = _copy_project(root / "project")
    without = _copy_project(root / "without-add-on")
    return dict(
        [
            *_environment_renders(plain),
            *_ingress_renders_without_add_on(without),
            *_sample_renders(root / "corpus"),
        ]
    )


def test_every_render_matches_its_pin(tmp_path: Path) -> None:
    pinned: dict[str, str] = json.loads(PINS.read_text(encoding="utf-8"))
    rendered = _renders(tmp_path)
    assert sorted(rendered) == sorted(pinned), "the set of renders changed: update the pins"
    changed = [key for key in pinned if rendered[key] != pinned[key]]
    assert changed == [], f"renders changed (not byte-identical): {changed}"


def test_the_pins_cover_every_backend_gateway_and_a_refusal() -> None:
    pinned: dict[str, str] = json.loads(PINS.read_text(encoding="utf-8"))
    plain = [k for k in pinned if k.startswith("env ") and not k.endswith(WITHOUT_ADD_ON)]
    assert len(plain) == 4 * 2 * 5
    assert len([k for k in pinned if k.endswith(WITHOUT_ADD_ON)]) == 3 * 2
    assert any(v.startswith("refused ") for v in pinned.values())
    assert len([k for k in pinned if k.startswith("sample ")]) >= 60


if __name__ == "__main__":  # pragma: no cover - the maintainer's update command
    if sys.argv[1:] != ["--update"]:
        sys.exit("usage: python -m tests.core.test_render_pins --update")
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        renders = _renders(Path(scratch))
    PINS.write_text(json.dumps(renders, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"pinned {len(renders)} renders in {PINS}")
