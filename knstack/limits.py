"""Bounds on the work one command does, so a hostile or broken input fails fast and clearly.

A few hundred bytes of YAML can name one node a billion times through aliases ("billion
laughs"); PyYAML shares aliased nodes while loading, so the cost only shows when the data
is walked or written out, as gigabytes. knstack therefore measures each document's size
with aliases expanded before using it (`ExpansionMeter` in knstack/yamlconstruct.py, where
every load goes through), and bounds input size, object count and output size.
Defaults sit far above any real Knative project; each is a flag on `knstack` for the rare
project that needs more. docs/limits.md lists them.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, fields

# No YAML or pydantic import here: the CLI's root options read these defaults, and
# `knstack --help` imports no engine module (tests/cli/test_startup.py).
from knstack.errors import InputError, Problem

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Each bound, with the flag that raises it (the field name, dashed, after `--max-`)."""

    input_bytes: int = 32 * MIB  # one input file (YAML or JSON)
    aliases: int = 10_000  # alias uses in one YAML file
    expanded_bytes: int = 64 * MIB  # one YAML document's scalars with aliases expanded
    objects: int = 20_000  # documents (objects) read in one command
    output_bytes: int = 512 * MIB  # what one render writes

    @staticmethod
    def flag(name: str) -> str:
        return "--max-" + name.replace("_", "-")


LIMIT_NAMES = tuple(f.name for f in fields(Limits))
DEFAULT_LIMITS = Limits()
_current: ContextVar[Limits | None] = ContextVar("knstack_limits", default=None)


def current() -> Limits:
    return _current.get() or DEFAULT_LIMITS


def use(limits: Limits) -> None:
    """Set the limits for the rest of this command (the CLI's root callback does this)."""
    _current.set(limits)


def exceeded(name: str, measured: int, *, file: str | None, what: str) -> InputError:
    limit = getattr(current(), name)
    return InputError(
        Problem(
            f"{what} is {measured:,}, over knstack's limit of {limit:,}; if this input is "
            f"meant to be this large, raise the limit with `knstack {Limits.flag(name)} N <command>`",
            file=file,
        )
    )


def check(name: str, measured: int, *, file: str | None, what: str) -> None:
    if measured > getattr(current(), name):
        raise exceeded(name, measured, file=file, what=what)


class Tally:
    """A running total checked against one limit as it grows: output written piece by
    piece stops at the piece that passes the limit."""

    def __init__(self, name: str, *, what: str) -> None:
        self.name, self.what = name, what
        self.limit: int = getattr(current(), name)
        self.total = 0

    def add(self, size: int) -> None:
        self.total += size
        if self.total > self.limit:
            raise exceeded(self.name, self.total, file=None, what=self.what)
