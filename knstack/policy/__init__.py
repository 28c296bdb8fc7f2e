"""Policy as code: one rule set for `knstack check` and for Pulumi CrossGuard (`policies/`).

Rules (`knstack.policy.rules.*`) are pure functions over rendered manifests and Knative
objects. `check_environment` / `check_files` run them over a build and return a `Report`;
`knstack.policy.crossguard` wraps the same rules as CrossGuard policies.
"""

from knstack.policy.check import (
    Finding,
    Report,
    WaiverEntry,
    check_build,
    check_environment,
    check_files,
)
from knstack.policy.engine import context_for, evaluate, judge
from knstack.policy.model import (
    ADVISORY,
    DISABLED,
    MANDATORY,
    CanaryStep,
    Rule,
    RuleContext,
    Violation,
)
from knstack.policy.registry import all_rules, get_rule

__all__ = [
    "ADVISORY",
    "DISABLED",
    "MANDATORY",
    "CanaryStep",
    "Finding",
    "Report",
    "Rule",
    "RuleContext",
    "Violation",
    "WaiverEntry",
    "all_rules",
    "check_build",
    "check_environment",
    "check_files",
    "context_for",
    "evaluate",
    "get_rule",
    "judge",
]
