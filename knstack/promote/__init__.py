"""Promotion: moving revisions through environments, stage by stage and wave by wave.

steps.py (pure state transitions), source.py (what passed upstream), stackedit.py
(byte-preserving stack file edits), gates.py, lock.py, audit.py, engine.py (one step:
lock, decide, gate, write, audit), chain.py (which environment feeds which), status.py,
diff.py, pipelines/ (GitHub Actions and Tekton generation).
"""

from knstack.promote.engine import GateFailed, Outcome, StepOptions, advance, promote, rollback
from knstack.promote.steps import STABLE, StepRefused

__all__ = [
    "STABLE",
    "GateFailed",
    "Outcome",
    "StepOptions",
    "StepRefused",
    "advance",
    "promote",
    "rollback",
]
