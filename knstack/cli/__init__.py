"""The knstack command line (see app.py for the exit-code contract)."""

from knstack.cli import analyze as _analyze  # noqa: F401  (registers the command)
from knstack.cli import check as _check  # noqa: F401  (registers the command)
from knstack.cli import cluster as _cluster  # noqa: F401  (registers the commands)
from knstack.cli import drift as _drift  # noqa: F401  (registers the command)
from knstack.cli import pipeline as _pipeline  # noqa: F401  (registers the command)
from knstack.cli import promote as _promote  # noqa: F401  (registers the commands)
from knstack.cli import render as _render  # noqa: F401  (registers the command)
from knstack.cli import schema as _schema  # noqa: F401  (registers the command)
from knstack.cli import simulate as _simulate  # noqa: F401  (registers the command)
from knstack.cli import status as _status  # noqa: F401  (registers the commands)
from knstack.cli import validate as _validate  # noqa: F401  (registers the command)
from knstack.cli.app import app, main, run

__all__ = ["app", "main", "run"]
