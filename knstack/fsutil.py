"""Atomic file and directory replacement: an interrupted write leaves the old content."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def atomic_write_text(path: Path, text: str) -> None:
    """`atomic_write_bytes` of the text as UTF-8 (newlines written as they are)."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _file_mode(path: Path) -> int:
    """The mode the result should have: the replaced file's, or what `open` would give a new
    file under the process's umask (mkstemp's temporary files are 0600)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        pass
    umask = os.umask(0o022)  # read it (there is no getter), then put it back
    os.umask(umask)
    return 0o666 & ~umask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same directory, fsync, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_new_file(path: str, data: bytes) -> None:
    """Create `path` (which must not exist) holding `data`: the few system calls a render's
    thousands of small files need, without Python's text-file layers."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@contextlib.contextmanager
def new_file(path: str) -> Iterator[Callable[[bytes], None]]:
    """`write_new_file` for data made piece by piece: create `path` (which must not exist)
    and give a function that appends bytes to it."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        yield lambda data: _write_all(fd, data)
    finally:
        os.close(fd)


def _renameat2_exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return bool(result == 0)


def replace_directory(staged: Path, target: Path) -> None:
    """Make `staged` become `target` in one step; the old `target` is removed afterwards.

    On Linux the two directories are exchanged atomically, so a reader (or a crash) sees
    either the whole old tree or the whole new one. Elsewhere a rename pair is used.
    """
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
        return
    if _renameat2_exchange(staged, target):
        shutil.rmtree(staged)  # now holds the previous tree
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.replace(target, old)
    os.replace(staged, target)
    shutil.rmtree(old)


def staging_directory(target: Path) -> Path:
    """A fresh temporary directory next to `target` (same filesystem, so renames are atomic).

    mkdtemp makes it 0700; it becomes the output directory, so it gets the mode any
    directory made by `mkdir` gets (0777 less the umask), like the directories inside it.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=target.parent))
    staged.chmod(0o777 & ~_umask())
    return staged


def _umask() -> int:
    """The process's umask (reading it means setting it; it is put back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def remove_stale_staging(target: Path) -> None:
    """Remove staging directories left by an interrupted earlier run."""
    if not target.parent.exists():
        return
    for leftover in target.parent.glob(f".{target.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
