"""A real Prometheus (built by scripts/bootstrap-tools.sh tests into .tools/bin) on
127.0.0.1, scraping the loopback exporter every second; stopped by its own PID."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.analysis.exporter import Exporter, Traffic, serve

# The promotion tests' fixtures: the CLI on the example copy, with the real kubeconform.
from tests.promote.conftest import (  # noqa: F401
    gate_env,
    knstack,
    kubeconform_binary,
    schema_cache,
)

REPO = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 60.0
SCRAPES_WANTED = 3  # rate() needs two samples in the window; three leaves a margin


def prometheus_binary() -> Path:
    built = REPO / ".tools" / "bin" / "prometheus"
    if built.is_file() and os.access(built, os.X_OK):
        return built
    found = shutil.which("prometheus")
    if found:
        return Path(found)
    pytest.fail(
        "prometheus was not found: run scripts/bootstrap.sh tests (it builds it into .tools/bin)"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read()
    except OSError:
        return None


def _wait(
    what: str, ready: Callable[[], bool], process: subprocess.Popen[bytes], log: Path
) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while not ready():
        if process.poll() is not None:
            pytest.fail(f"prometheus exited ({process.returncode}): {log.read_text()[-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail(
                f"prometheus: {what} within {READY_TIMEOUT}s; log: {log.read_text()[-2000:]}"
            )
        time.sleep(0.2)


StartPrometheus = Callable[[list[Traffic]], str]


@pytest.fixture()
def prometheus(tmp_path: Path) -> Iterator[StartPrometheus]:
    """start(traffic) -> the address of a Prometheus that has scraped that traffic 3 times."""
    started: list[tuple[subprocess.Popen[bytes], object]] = []

    def start(traffic: list[Traffic]) -> str:
        exporter = Exporter(traffic)
        server = serve(exporter)
        port = free_port()
        config = tmp_path / "prometheus.yml"
        config.write_text(
            json.dumps(
                {
                    "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                    "scrape_configs": [
                        {
                            "job_name": "gateway",
                            "static_configs": [{"targets": [f"127.0.0.1:{server.server_port}"]}],
                        }
                    ],
                }
            )
        )
        log = tmp_path / "prometheus.log"
        process = subprocess.Popen(
            [
                str(prometheus_binary()),
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp_path / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )
        started.append((process, server))
        address = f"http://127.0.0.1:{port}"
        _wait("ready", lambda: _get(f"{address}/-/ready") is not None, process, log)
        _wait(
            f"{SCRAPES_WANTED} scrapes",
            lambda: exporter.scrapes >= SCRAPES_WANTED + 1,
            process,
            log,
        )
        return address

    yield start
    for process, server in started:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        server.shutdown()  # type: ignore[attr-defined]
