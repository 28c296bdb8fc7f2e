"""The schema cache: generated files kept outside git, built once, swapped in whole.

Schema directories are derived data (from a pinned package or from CRD files), keyed by
everything they are made from, so a key never names two different contents. A directory
is built next to its final place and renamed in one step: a reader sees it complete or
not at all, and two runs building the same key at once both end with the same result.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from knstack.fsutil import staging_directory

CACHE_ENV = "KNSTACK_CACHE_DIR"
_COMPLETE = ".complete"


def cache_root() -> Path:
    """`$KNSTACK_CACHE_DIR`, else `$XDG_CACHE_HOME/knstack`, else `~/.cache/knstack`."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "knstack"


def materialise(target: Path, build: Callable[[Path], None]) -> Path:
    """`target`, built by `build(staging_dir)` unless a complete copy is already there."""
    if (target / _COMPLETE).is_file():
        return target
    staged = staging_directory(target)
    try:
        build(staged)
        (staged / _COMPLETE).write_text("", encoding="utf-8")
        if target.exists() and not (target / _COMPLETE).is_file():
            shutil.rmtree(target, ignore_errors=True)  # left incomplete by an older run
        os.rename(staged, target)
    except OSError:
        if (target / _COMPLETE).is_file():  # another run finished the same key first
            shutil.rmtree(staged, ignore_errors=True)
            return target
        shutil.rmtree(staged, ignore_errors=True)
        raise
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return target
