"""Secrets: no secret values in plain environment variables or in rendered Secrets."""

from __future__ import annotations

import re
from collections.abc import Iterator

from knstack.policy.model import MANDATORY, Manifest, RuleContext, Violation
from knstack.policy.objects import SECRET, WORKLOADS, container_name, containers, pod_spec
from knstack.policy.registry import rule

# Names that announce a secret (kube-linter env-var-secret looks at names the same way).
SECRET_NAME = re.compile(
    r"(PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|AUTH_?KEY)",
    re.IGNORECASE,
)
# Values that are secrets whatever the variable is called.
NOT_SECRETS = frozenset({"true", "false", "yes", "no", "on", "off", "enabled", "disabled"})
SECRET_VALUE = re.compile(
    r"(-----BEGIN [A-Z ]*PRIVATE KEY-----"
    r"|\bAKIA[0-9A-Z]{16}\b"  # AWS access key id
    r"|\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{22,}\b"
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}\b"  # Slack
    r"|[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s@]+@)"  # a URL with user:password
)


@rule(
    id="env-secret-literal",
    title="No secret values in plain environment variables",
    severity=MANDATORY,
    kinds=WORKLOADS,
    fix="Store the value in a Secret and use env[].valueFrom.secretKeyRef (or envFrom.secretRef).",
    rationale="Plain env values are stored in Git, in the revision ledger and in every rendered "
    "manifest, and anyone who can read the Deployment reads them.",
)
def env_secret_literal(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    found = pod_spec(obj)
    if found is None:
        return
    spec, base = found
    for container, path in containers(spec, base):
        for index, env in enumerate(container.get("env") or []):
            value = env.get("value")
            if not isinstance(value, str) or not value:
                continue
            name = str(env.get("name") or "")
            if value.strip().lower() in NOT_SECRETS or value.strip().isdigit():
                continue  # a switch or a number is configuration, whatever the name says
            if SECRET_VALUE.search(value):
                reason = "holds what looks like a credential"
            elif SECRET_NAME.search(name):
                reason = "is named like a secret and has a literal value"
            else:
                continue
            yield Violation(
                obj,
                f"{path}.env[{index}].value",
                f"container {container_name(container, path)!r}: env {name!r} {reason}",
            )


@rule(
    id="secret-plaintext",
    title="No Secret with its values in the rendered output",
    severity=MANDATORY,
    kinds={SECRET},
    fix="Create the Secret outside Git (External Secrets, Sealed Secrets, SOPS, or `pulumi config "
    "set --secret` with a provider) and only reference it by name.",
    rationale="A Secret's data is base64, not encryption: rendered for GitOps it is a secret "
    "in plain text.",
)
def secret_plaintext(obj: Manifest, ctx: RuleContext) -> Iterator[Violation]:
    for field in ("data", "stringData"):
        if obj.get(field):
            yield Violation(obj, field, f"holds {len(obj[field])} value(s) in plain text")
