"""Errors a user can act on: each names the file, the object and the field.

Every problem with user input is a `Problem`; a run that finds any raises `InputError`
with all of them, so the user fixes everything in one go. The CLI turns `InputError` into
exit code 2 and never shows a traceback. A problem at level WARNING is not raised: it is
shown and the run goes on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

ERROR = "error"
# Knative's webhook admits the input, but knstack advises against it (a setting Knative ignores,
# or one the API server refuses later). Knative's FieldError levels: ErrorLevel, WarningLevel
# (knative.dev/pkg apis/field_error.go). `knstack check` fails on these (rule knative-ignored).
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where it is and what to do about it."""

    message: str
    file: str | None = None
    obj: str | None = None  # e.g. "Service default/coffee"
    field: str | None = None  # e.g. "spec.traffic[1].percent"
    level: str = ERROR  # ERROR or WARNING

    def __str__(self) -> str:
        where = [part for part in (self.file, self.obj) if part]
        if self.field:
            where.append(f"field {self.field}")
        prefix = ": ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def located(self, *, file: str | None = None, obj: str | None = None) -> Problem:
        """The same problem with the file and object filled in where they were unknown."""
        return Problem(self.message, self.file or file, self.obj or obj, self.field, self.level)

    @property
    def is_warning(self) -> bool:
        return self.level == WARNING


def warning(message: str, field: str | None = None) -> Problem:
    """A problem Knative admits (see WARNING)."""
    return Problem(message, field=field, level=WARNING)


def split_levels(problems: Iterable[Problem]) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings)."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for problem in problems:
        (warnings if problem.is_warning else errors).append(problem)
    return errors, warnings


class KnstackError(Exception):
    """Base class of every error knstack reports to a user (exit code given by `exit_code`)."""

    exit_code = 2


class InputError(KnstackError):
    """Bad input: one or more problems, each naming file, object and field."""

    def __init__(self, problems: Sequence[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def located(self, *, file: str | None = None, obj: str | None = None) -> InputError:
        return InputError([p.located(file=file, obj=obj) for p in self.problems])


def raise_if_any(problems: Iterable[Problem]) -> None:
    collected = list(problems)
    if collected:
        raise InputError(collected)


def field_path(loc: Iterable[str | int]) -> str:
    """Turn a pydantic/JSON location tuple into `spec.containers[0].image`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out


class ExtraMissing(KnstackError):
    """An optional dependency group (a pyproject extra) is not installed."""


def require_extra(module: str, extra: str, purpose: str) -> None:
    """Raise ExtraMissing naming the fix when `module` (of extra `extra`) cannot be imported."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise ExtraMissing(
            f"{purpose} needs the Python package {module!r}: run scripts/bootstrap.sh {extra} "
            f"(or pip install 'knstack[{extra}]')"
        )
