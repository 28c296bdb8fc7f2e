"""The analysis gate: a step that moves a serving candidate on waits for its metrics.

When the environment defines analysis checks (knstack:analysis) for the service and the
candidate serves traffic (stage 1 or more), `advance` runs them (knstack.analysis) before
it takes the promotion lock, since measurements can take `count x interval` and a
rollback must never wait for them; the gate then checks the release did not move
meanwhile. Only a pass opens the gate; an inconclusive analysis (no data, NaN, provider
down) holds like a failure, unless --force lets it through (recorded).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from knstack.analysis import AnalysisResult, analyze
from knstack.promote.gates import GateResult
from knstack.promote.state import EnvState
from knstack.stack.release import Release


def wants_analysis(state: EnvState, service: str) -> bool:
    key = state.service_key(service)[0]
    release = state.settings.releases.get(key)
    return (
        bool(state.settings.analysis.checks_for(key))
        and release is not None
        and release.candidate is not None
        and release.stage >= 1
    )


def run_analysis(
    state: EnvState, service: str, sleep: Callable[[float], None] = time.sleep
) -> AnalysisResult | None:
    """The candidate's analysis, or None when there is nothing to analyze."""
    if not wants_analysis(state, service):
        return None
    return analyze(state, service, sleep=sleep)


def analysis_gate(result: AnalysisResult, release: Release | None, force: bool) -> GateResult:
    details = tuple(
        f"{c.check.name}: {c.verdict}: "
        + ", ".join(m.describe() for m in c.measurements)
        + f" (wanted {c.check.success.describe()})"
        + ("" if c.verdict == "pass" else f"; query: {c.query}")
        for c in result.checks
    )
    if release is None or release.candidate != result.revision:
        return GateResult(
            "analysis", False, f"the release moved while {result.revision} was analyzed", details
        )
    summary = f"{result.revision}: {result.verdict}"
    if result.verdict == "pass":
        return GateResult("analysis", True, summary, details)
    if force:
        return GateResult("analysis", True, "forced", details, forced=(summary,))
    return GateResult("analysis", False, summary, details)
