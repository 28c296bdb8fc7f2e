"""Load an application's Knative objects from `components/`: Python and YAML side by side.

The `components` package exposes `knative_objects`: a list of Service, Configuration and
Route models, or a function of the environment name returning one. Every `*.yaml` file
under `components/` is read as ordinary Knative YAML. Both forms mix freely.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from knstack.api.context import ServingContext
from knstack.api.loader import LoadedObject, Source, check_object, load_file
from knstack.api.serving import Configuration, Route, Service
from knstack.errors import InputError, Problem
from knstack.stack import Environment, Project, load_environment
from knstack.stack.knative import KnativeSettings

ENTRY_ATTRIBUTE = "knative_objects"
PLATFORM_ATTRIBUTE = "knative_platform"


def load_components(
    directory: Path, env: str, ctx: ServingContext, default_namespace: str, root: Path | None = None
) -> list[LoadedObject]:
    """Every Knative object the components define, validated, in a stable order."""
    if not directory.is_dir():
        raise InputError(Problem("the components directory does not exist", file=str(directory)))
    root = root or directory.parent
    loaded: list[LoadedObject] = []
    problems: list[Problem] = []
    if (directory / "__init__.py").is_file():
        try:
            loaded += _python_objects(directory, env, ctx, default_namespace, root)
        except InputError as err:
            problems += err.problems
    for path in sorted(directory.rglob("*.yaml")) + sorted(directory.rglob("*.yml")):
        try:
            loaded += _load_relative(path, root, ctx, default_namespace)
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    return loaded


def load_platform(directory: Path, env: str, root: Path | None = None) -> dict[str, Any] | None:
    """The `knstack:knative` settings the components define (`knative_platform`), as YAML data.

    `knative_platform` is a KnativeSettings or a function of the environment name returning
    one (components/platform.py in the example); the stack file's `knstack:knative` keys
    are laid over it.
    """
    if not (directory / "__init__.py").is_file():
        return None
    package = _import_package(directory)
    entry = getattr(package, PLATFORM_ATTRIBUTE, None)
    if entry is None:
        return None
    init_file = _relative(directory / "__init__.py", root or directory.parent)
    try:
        platform = entry(env) if callable(entry) else entry
    except InputError:
        raise
    except Exception as err:  # user code: report where, not a traceback
        message = f"{PLATFORM_ATTRIBUTE}({env!r}) failed: {type(err).__name__}: {err}"
        raise InputError(Problem(message, file=_user_frame(err) or str(init_file))) from None
    if not isinstance(platform, KnativeSettings):
        message = f"expected a knstack KnativeSettings, got {type(platform).__name__}"
        raise InputError(Problem(message, file=str(init_file), field=PLATFORM_ATTRIBUTE))
    return platform.model_dump(by_alias=True, exclude_unset=True)


def _load_relative(
    path: Path, root: Path, ctx: ServingContext, default_namespace: str
) -> list[LoadedObject]:
    """Load a YAML file, naming it relative to the project root in messages."""
    return load_file(path, ctx, default_namespace, display=str(_relative(path, root)))


def _relative(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        return path


def _python_objects(
    directory: Path, env: str, ctx: ServingContext, default_namespace: str, root: Path
) -> list[LoadedObject]:
    package = _import_package(directory)
    entry = getattr(package, ENTRY_ATTRIBUTE, None)
    init_file = _relative(directory / "__init__.py", root)
    if entry is None:
        return []
    try:
        objects = entry(env) if callable(entry) else entry
    except Exception as err:  # user code: report where, not a traceback
        raise InputError(
            Problem(
                f"{ENTRY_ATTRIBUTE}({env!r}) failed: {type(err).__name__}: {err}",
                file=_user_frame(err) or str(init_file),
            )
        ) from None
    loaded: list[LoadedObject] = []
    problems: list[Problem] = []
    for index, obj in enumerate(objects):
        if not isinstance(obj, Service | Configuration | Route):
            problems.append(
                Problem(
                    f"expected a knstack Service, Configuration or Route, got {type(obj).__name__}",
                    file=str(init_file),
                    field=f"{ENTRY_ATTRIBUTE}[{index}]",
                )
            )
            continue
        source = Source(
            str(_relative(Path(_defining_file(package, obj) or directory / "__init__.py"), root))
        )
        try:
            warnings = check_object(obj, source, ctx, default_namespace)
        except InputError as err:
            problems += err.problems
            continue
        loaded.append(LoadedObject(obj, source, warnings))
    if problems:
        raise InputError(problems)
    return loaded


def _source_fingerprint(directory: Path) -> str:
    """A digest of every Python file of the package: a changed file means a re-import."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*.py")):
        digest.update(str(path.relative_to(directory)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _import_package(directory: Path) -> ModuleType:
    """Import `components/` under a name unique to its path, so projects never collide.

    A process that builds twice (a promotion's gates, a test) sees edits made in between:
    the cached package is dropped, with its submodules, when its sources changed."""
    digest = hashlib.sha256(str(directory.resolve()).encode()).hexdigest()[:12]
    name = f"knstack_components_{digest}"
    fingerprint = _source_fingerprint(directory)
    cached = sys.modules.get(name)
    if cached is not None and getattr(cached, "__knstack_fingerprint__", None) == fingerprint:
        return cached
    for stale in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[stale]
    spec = importlib.util.spec_from_file_location(
        name, directory / "__init__.py", submodule_search_locations=[str(directory)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    module.__knstack_fingerprint__ = fingerprint  # type: ignore[attr-defined]
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except InputError:
        del sys.modules[name]
        raise
    except Exception as err:
        del sys.modules[name]
        raise InputError(
            Problem(
                f"importing the components failed: {type(err).__name__}: {err}",
                file=_user_frame(err) or str(directory / "__init__.py"),
            )
        ) from None
    return module


def _defining_file(package: ModuleType, obj: object) -> str | None:
    """The components module that holds `obj` as a top-level name, for messages."""
    prefix = package.__name__
    submodules = sorted(name for name in sys.modules if name.startswith(prefix + "."))
    # Submodules first: the package's __init__ usually re-exports what they define.
    for name in [*submodules, prefix]:
        module = sys.modules.get(name)
        if module is not None and any(value is obj for value in vars(module).values()):
            return getattr(module, "__file__", None)
    return None


def _user_frame(err: BaseException) -> str | None:
    frames = traceback.extract_tb(err.__traceback__)
    for frame in reversed(frames):
        if "knstack_components" in frame.filename or "/components/" in frame.filename:
            return f"{frame.filename}:{frame.lineno}"
    return None


def platform_defaults(root: Path, env: str) -> dict[str, Any] | None:
    """The components' `knative_platform` as `knstack:` defaults (keys under the stack's)."""
    platform = load_platform(root / "components", env, root)
    return {"knative": platform} if platform else None


def load_environment_settings(
    project: Project, env: str, *, data: dict[str, Any] | None = None
) -> Environment:
    """An environment's settings: its stack file (or `data`) over the components' platform.
    Every path that needs them (build, promote) loads them here."""
    return load_environment(project, env, platform_defaults(project.root, env), data=data)
