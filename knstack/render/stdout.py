"""`knstack render -f` to stdout: every manifest as one stream, never half-written.

A render past the output limit (knstack/limits.py) leaves nothing of itself behind. When
stdout is a regular file (`> out.yaml`, the usual case) each document is written as soon as
it is serialised, and a render that passes the limit cuts the file back to where it started;
a render of 10,000 services then never holds its 85 MiB of text. Anywhere else (a pipe, a
terminal) nothing can be taken back, so the whole stream is serialised and checked first.
"""

from __future__ import annotations

import contextlib
import os
import stat
from typing import TextIO

from knstack import limits
from knstack.build import EnvironmentBuild
from knstack.render.writer import STREAM_WHAT, Format, iter_stream_parts, stream_parts


def write_stream(build: EnvironmentBuild, fmt: Format, out: TextIO) -> None:
    """Write the environment's manifests to `out` as `knstack.render.stream` gives them."""
    start = _regular_file_offset(out)
    if start is None:
        for part in stream_parts(build, fmt):  # checked against the limit before writing
            out.write(part)
        return
    written = limits.Tally("output_bytes", what=STREAM_WHAT)
    try:
        for part in iter_stream_parts(build, fmt):
            written.add(len(part))
            out.write(part)
    except BaseException:
        _take_back(out, start)
        raise


def _regular_file_offset(out: TextIO) -> int | None:
    """Where writing to `out` starts, if it is a regular file (so it can be cut back)."""
    try:
        fd = out.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        out.flush()
        return os.lseek(fd, 0, os.SEEK_CUR)
    except (OSError, ValueError):  # no file descriptor (a test's capture), or not seekable
        return None


def _take_back(out: TextIO, start: int) -> None:
    """Cut `out` back to `start`: what this render wrote goes, what was there stays."""
    with contextlib.suppress(OSError):
        out.flush()  # what is still buffered, so that it is cut too rather than written later
    fd = out.fileno()
    os.ftruncate(fd, start)
    os.lseek(fd, start, os.SEEK_SET)
