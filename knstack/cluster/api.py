"""A minimal client for a local cluster's API server, for what starting a cluster needs
(readiness, creating the fake node, reading a node's conditions). Everything a user does
goes through kubectl or Pulumi; this only avoids a kubectl process per readiness poll."""

from __future__ import annotations

import http.client
import json
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ApiError(Exception):
    """A request to the local API server failed (status and body in the message)."""


@dataclass(frozen=True)
class LocalApi:
    host: str
    port: int
    ca_cert: Path
    client_cert: Path
    client_key: Path

    def _context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.ca_cert))
        context.load_cert_chain(str(self.client_cert), str(self.client_key))
        return context

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, timeout: float = 5.0
    ) -> tuple[int, str]:
        """(status, body text); connection errors raise OSError."""
        conn = http.client.HTTPSConnection(
            self.host, self.port, context=self._context(), timeout=timeout
        )
        try:
            payload = None if body is None else json.dumps(body)
            headers = {"Content-Type": "application/json"} if body is not None else {}
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode(errors="replace")
        finally:
            conn.close()

    def get_json(self, path: str) -> dict[str, Any]:
        status, text = self.request("GET", path)
        if status != 200:
            raise ApiError(f"GET {path}: HTTP {status}: {text[:300]}")
        result: dict[str, Any] = json.loads(text)
        return result

    def create(self, path: str, body: dict[str, Any]) -> None:
        """POST `body` to the collection `path`; an object that already exists is fine."""
        status, text = self.request("POST", path, body)
        if status not in (200, 201, 202, 409):
            raise ApiError(f"POST {path}: HTTP {status}: {text[:300]}")
