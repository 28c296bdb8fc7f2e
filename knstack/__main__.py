"""`python -m knstack`: the command line."""

from knstack.cli import run

run()
