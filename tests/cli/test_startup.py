"""The command line starts fast: `knstack --help` and argument errors import no engine.

Each command imports what it uses when it runs (knstack/cli/*.py); a module-level import of
the engine would make every invocation, `--help` included, pay for pydantic models, the
expansion and the validators. Speed itself is measured by bench/peers_bench.py.
"""

from __future__ import annotations

import subprocess
import sys

# Modules a `--help` never needs; each costs tens to hundreds of milliseconds to import.
ENGINE = ("pydantic", "yaml", "ruamel.yaml", "knstack.api", "knstack.build", "knstack.expand",
          "knstack.policy", "knstack.promote", "knstack.validate", "knstack.stack")  # fmt: skip


def _imported_after(code: str) -> set[str]:
    # The module list goes to stderr: stdout holds the help text.
    probe = f"import sys\n{code}\nprint('\\n'.join(sys.modules), file=sys.stderr)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(done.stderr.split())


def test_help_imports_no_engine_module() -> None:
    code = "from knstack.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass"
    loaded = _imported_after(code)
    assert "knstack.cli.render" in loaded  # the probe did load the command line
    assert sorted(m for m in ENGINE if m in loaded) == []


def test_every_command_help_imports_no_engine_module() -> None:
    commands = ["render", "validate", "check", "promote", "advance", "rollback", "status", "diff"]
    code = "from knstack.cli import main\n" + "".join(
        f"main([{c!r}, '--help'])\n" for c in commands
    )
    loaded = _imported_after(code)
    assert sorted(m for m in ENGINE if m in loaded) == []


def test_a_command_imports_the_engine_when_it_runs(tmp_path) -> None:
    service = tmp_path / "s.yaml"
    service.write_text(
        "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: a\n"
        "spec:\n  template:\n    spec:\n      containers:\n      - image: example.com/a:1\n"
    )
    loaded = _imported_after(
        f"from knstack.cli import main\nmain(['render', '-f', {str(service)!r}])"
    )
    assert {"knstack.build", "knstack.expand"} <= loaded


def test_a_render_that_prints_no_message_imports_no_rich(tmp_path) -> None:
    # rich (50 ms to import) draws messages; a render with none to print never needs it.
    service = tmp_path / "s.yaml"
    service.write_text(
        "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: shop\n"
        "spec:\n  template:\n    metadata:\n      annotations:\n"
        "        autoscaling.knative.dev/class: hpa.autoscaling.knative.dev\n"
        "    spec:\n      containers:\n      - image: example.com/shop:1\n"
    )
    loaded = _imported_after(
        f"from knstack.cli import main\nassert main(['render', '-f', {str(service)!r}]) == 0"
    )
    assert "knstack.build" in loaded and "rich" not in loaded


def test_validate_of_files_imports_no_model_or_build(tmp_path) -> None:
    # kubeconform does the checking; the models, the build and the expansion are for
    # `validate --stack` only, and cost `validate DIR` a third of a second to import.
    manifest = tmp_path / "cm.yaml"
    manifest.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata: {}\n")
    code = (
        "from knstack.cli import main\n"
        f"try:\n    main(['validate', {str(manifest)!r}])\nexcept SystemExit:\n    pass"
    )
    loaded = _imported_after(code)
    assert "knstack.validate.runner" in loaded  # the probe did validate
    heavy = (
        "pydantic",
        "knstack.api",
        "knstack.build",
        "knstack.expand",
        "knstack.stack",
        "kubernetes_validate",
        "jsonschema",
    )  # fmt: skip (the schemas are data files)
    assert sorted(m for m in heavy if m in loaded) == []


def test_the_consoles_made_on_first_use_work_as_rich_consoles() -> None:
    # render's progress bar hands knstack's stderr console to rich's Progress, which
    # enters it (`with console:`): special methods must reach the real Console too.
    from rich.progress import Progress

    from knstack.cli.app import stderr

    with Progress(console=stderr, transient=True) as progress:
        task = progress.add_task("writing", total=2)
        progress.advance(task, 2)
    assert progress.finished
