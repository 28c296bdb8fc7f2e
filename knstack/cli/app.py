"""The `knstack` command line: kubectl-style verbs, typer + rich, stable exit codes.

Exit codes (a contract scripts rely on): 0 ok, 1 checks failed, 2 bad input or usage,
3 internal error (a bug: please report it). No traceback is shown unless KNSTACK_DEBUG=1.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import click
import typer

from knstack import limits
from knstack.errors import InputError, KnstackError
from knstack.notices import group_warnings

if TYPE_CHECKING:
    from rich.console import Console

    from knstack.stack import Project

EXIT_OK = 0
EXIT_CHECKS_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

app = typer.Typer(
    name="knstack",
    help="Knative-style serverless on Kubernetes, as code: render, validate, check and promote.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


class _Output:
    """Settings of what the commands print, from the root options."""

    quiet = False


def _limit_option(name: str, help_text: str) -> int:
    return typer.Option(  # type: ignore[no-any-return]
        getattr(limits.DEFAULT_LIMITS, name),
        limits.Limits.flag(name),
        min=1,
        metavar="N",
        help=f"{help_text} Bounds hostile input (docs/limits.md).",
        show_default=True,
    )


@app.callback()
def _root(
    quiet: bool = typer.Option(
        False,
        "--quiet",
        "-q",
        help="Print no warnings or context lines (for scripts); errors and results still show.",
    ),
    max_input_bytes: int = _limit_option("input_bytes", "Largest input file, in characters."),
    max_aliases: int = _limit_option("aliases", "Most YAML alias uses in one file."),
    max_expanded_bytes: int = _limit_option(
        "expanded_bytes", "Largest YAML document with its aliases expanded, in characters."
    ),
    max_objects: int = _limit_option("objects", "Most objects (YAML documents) read."),
    max_output_bytes: int = _limit_option(
        "output_bytes", "Largest rendered output, in characters."
    ),
) -> None:
    """Knative-style serverless on Kubernetes, as code: render, validate, check and promote."""
    _Output.quiet = quiet
    limits.use(
        limits.Limits(
            input_bytes=max_input_bytes,
            aliases=max_aliases,
            expanded_bytes=max_expanded_bytes,
            objects=max_objects,
            output_bytes=max_output_bytes,
        )
    )


class _LazyConsole:
    """A rich Console made when first used: importing rich costs every command about
    50 ms of its start, and a render to a file or a pipe prints nothing through it."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._console: Console | None = None

    def _made(self) -> Console:
        if self._console is None:
            from rich.console import Console

            self._console = Console(**self._options)
        return self._console

    def __getattr__(self, name: str) -> Any:
        return getattr(self._made(), name)

    # Special methods bypass __getattr__; rich's Live enters the console (`with console:`).
    def __enter__(self) -> Console:
        return self._made().__enter__()

    def __exit__(self, *exc_info: Any) -> None:
        self._made().__exit__(*exc_info)


stderr = cast("Console", _LazyConsole(stderr=True, highlight=False, soft_wrap=True))
stdout = cast("Console", _LazyConsole(highlight=False, soft_wrap=True))


def escape(text: str) -> str:
    """rich's markup escaping (`rich.markup.escape`), imported when first needed."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


class ChecksFailed(KnstackError):
    """A check the user asked for did not pass (exit 1)."""

    exit_code = EXIT_CHECKS_FAILED


PROJECT_DIR_OPTION = typer.Option(
    None,
    "--project-dir",
    "-C",
    help="Project root (the directory with Pulumi.yaml). Default: found from the current directory.",
)


def open_project(project_dir: Path | None) -> Project:
    from knstack.stack import find_project

    return find_project(project_dir)


def quiet() -> bool:
    """Whether `--quiet` asked for errors and results only."""
    return _Output.quiet


def warn(messages: list[str]) -> None:
    if _Output.quiet:
        return
    for line in group_warnings(messages):
        stderr.print(f"[yellow]warning:[/yellow] {escape(line)}", markup=True, highlight=False)


def _report(err: KnstackError) -> None:
    if isinstance(err, InputError):
        for problem in err.problems:
            stderr.print(f"[red]error:[/red] {escape(str(problem))}")
        if len(err.problems) > 1:
            stderr.print(f"{len(err.problems)} problems found; nothing was written.")
    else:
        stderr.print(f"[red]error:[/red] {escape(str(err))}")


@contextlib.contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Run a command without CPython's cyclic garbage collector.

    A render allocates hundreds of thousands of small dicts and lists that form no cycles
    (manifests are trees); each full collection walks all of them again, which made the
    build about a third slower at 1000 services. Reference counting still frees everything;
    a command is short-lived, and the collector is back on when it returns.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the app and turn every outcome into an exit code."""
    _Output.quiet = False
    limits.use(limits.DEFAULT_LIMITS)
    try:
        with _cyclic_gc_paused():
            result = app(args=argv, prog_name="knstack", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.exceptions.UsageError as err:
        err.show(file=sys.stderr)
        return EXIT_BAD_INPUT
    except click.exceptions.Abort:
        stderr.print("aborted")
        return 130
    except KnstackError as err:
        _report(err)
        return err.exit_code
    except KeyboardInterrupt:
        stderr.print("interrupted; nothing half-written was left in place")
        return 130
    except Exception as err:  # a bug: say so without a traceback
        if os.environ.get("KNSTACK_DEBUG") == "1":
            raise
        stderr.print(f"[red]internal error:[/red] {type(err).__name__}: {escape(str(err))}")
        stderr.print(
            "This is a bug in knstack. Run again with KNSTACK_DEBUG=1 for the traceback and report it."
        )
        return EXIT_INTERNAL
    return result if isinstance(result, int) else EXIT_OK


class _ProcessExit:
    """Lets a command leave what it built to the end of the process instead of freeing it.

    Freeing a large render's objects one by one takes longer than writing them (0.6 s of
    a render of 10,000 services), and the process is about to end; mypy ends the same way
    (`mypy/util.py` hard_exit). Only the console entry point (`run`) allows it: `main` is
    also called in-process (tests), where what a command keeps must be freed.
    """

    allowed = False
    kept: list[object] = []


def keep_until_exit(value: object) -> None:
    """Do not free `value` when the command returns if the process ends right after."""
    if _ProcessExit.allowed:
        _ProcessExit.kept.append(value)


def run() -> None:
    _ProcessExit.allowed = True
    code = main()
    if _ProcessExit.kept:
        # Nothing else needs the interpreter's shutdown: the command has finished, so
        # flush what it printed and end without freeing what it kept.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BrokenPipeError):  # a reader that stopped early
                stream.flush()
        os._exit(code)
    sys.exit(code)
