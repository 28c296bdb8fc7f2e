"""Processes of a local cluster: loopback ports, start with a log file, stop by PID.

Every server binds 127.0.0.1 only, and each process is stopped by the PID it was started with
(never by name), so nothing else on the machine is touched.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

LOOPBACK = "127.0.0.1"


def free_loopback_ports(count: int) -> list[int]:
    """`count` distinct ports free on 127.0.0.1 now (held open together so none repeats)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind((LOOPBACK, 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass(frozen=True)
class Started:
    """A process this package started: its name in the cluster, PID and log file."""

    name: str
    pid: int
    log: Path


def start(name: str, argv: Sequence[str], log: Path, *, detach: bool) -> Started:
    """Start `argv` with stdout and stderr to `log`.

    detach=True puts it in its own session, so it outlives the command that started it
    (`knstack cluster up`); tests keep theirs attached.
    """
    with log.open("ab") as out:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=detach,
        )
    return Started(name, proc.pid, log)


def alive(pid: int) -> bool:
    """Whether `pid` still runs (a zombie child of ours counts as gone)."""
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished == pid:
            return False
    except ChildProcessError:
        pass  # not our child: fall back to a signal probe
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop(pid: int, *, grace: float = 10.0) -> None:
    """SIGTERM `pid`, then SIGKILL it if it has not exited after `grace` seconds."""
    if not alive(pid):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not alive(pid):
            return
        time.sleep(0.05)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    while alive(pid):
        time.sleep(0.05)


def log_tail(log: Path, lines: int = 15) -> str:
    """The last lines of a process log, for error messages."""
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])
