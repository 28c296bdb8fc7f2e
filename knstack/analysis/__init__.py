"""Canary analysis on live metrics (settings: knstack.stack.analysis_settings).

templates.py (built-in queries per metrics source, {{variables}}), providers.py (one query,
one reading; Prometheus), run.py (measurements, verdicts, the analysis of a release).
"""

from knstack.analysis.run import AnalysisResult, CheckResult, Verdict, analyze

__all__ = ["AnalysisResult", "CheckResult", "Verdict", "analyze"]
