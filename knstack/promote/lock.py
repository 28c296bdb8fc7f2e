"""One promotion at a time per project: an exclusive lock on the stacks directory.

The lock is `flock(2)` on the directory itself, so no lock file is created (a run that
changes nothing leaves the tree exactly as it was) and a run that dies releases it with
its process. A second run waits for the first, up to a timeout, and then reads the state
the first one wrote.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from knstack.errors import KnstackError

POLL_SECONDS = 0.1


class LockBusy(KnstackError):
    """Another promotion held the lock for longer than the timeout (exit 1)."""

    exit_code = 1


@contextmanager
def promotion_lock(
    stacks_dir: Path, *, timeout: float, waiting: Callable[[], None] | None = None
) -> Iterator[None]:
    """Hold the project's promotion lock; wait up to `timeout` seconds for it."""
    fd = os.open(stacks_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as err:
                if err.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise
            if time.monotonic() >= deadline:
                raise LockBusy(
                    f"another knstack promotion is running in this project ({stacks_dir} is locked); "
                    f"gave up after {timeout:g}s: try again when it has finished"
                )
            if not told and waiting is not None:
                waiting()
                told = True
            time.sleep(POLL_SECONDS)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
