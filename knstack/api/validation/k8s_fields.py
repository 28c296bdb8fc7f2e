"""Knative's checks of single Kubernetes fields of a revision's PodSpec, in Knative's words
(knative/serving pkg/apis/serving/k8s_validation.go and fieldmask.go)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from knstack.api.core import Container, PodSecurityContext, SecurityContext
from knstack.api.serving import RevisionSpec

Report = Callable[[str, str], None]  # (message, field path below the revision spec)

# k8s_validation.go: minUserID, maxUserID = 0, math.MaxInt32 (the same bounds for groups).
MIN_ID, MAX_ID = 0, 2**31 - 1
TERMINATION_MESSAGE_POLICIES = ("File", "FallbackToLogsOnError")
PROJECTION_SOURCES = ("secret", "configMap", "serviceAccountToken", "downwardAPI")


def one_of_error(specified: list[str], fields: tuple[str, ...]) -> str | None:
    """apis.ErrMissingOneOf / ErrMultipleOneOf (knative/pkg apis/field_error.go)."""
    if not specified:
        return f"expected exactly one, got neither: {', '.join(fields)}"
    if len(specified) > 1:
        return f"expected exactly one, got both: {', '.join(specified)}"
    return None


def check_container_fields(container: Container, where: str, bad: Report) -> None:
    """envFrom sources, terminationMessagePolicy and the security context's IDs."""
    for index, source in enumerate(container.env_from or []):
        specified = [
            name
            for name, value in (
                ("configMapRef", source.config_map_ref),
                ("secretRef", source.secret_ref),
            )
            if value is not None
        ]
        if err := one_of_error(specified, ("configMapRef", "secretRef")):
            bad(err, f"{where}.envFrom[{index}]")
    policy = container.termination_message_policy
    if policy is not None and policy not in TERMINATION_MESSAGE_POLICIES:
        bad(
            f"invalid value: {policy} (use {' or '.join(TERMINATION_MESSAGE_POLICIES)})",
            f"{where}.terminationMessagePolicy",
        )
    check_ids(container.security_context, f"{where}.securityContext", bad)


def check_ids(
    context: SecurityContext | PodSecurityContext | None, where: str, bad: Report
) -> None:
    if context is None:
        return
    for attr, api_name in (("run_as_user", "runAsUser"), ("run_as_group", "runAsGroup")):
        value = getattr(context, attr)
        if value is not None and not MIN_ID <= value <= MAX_ID:
            bad(f"expected {MIN_ID} <= {value} <= {MAX_ID}", f"{where}.{api_name}")


def check_pod_fields(spec: RevisionSpec, bad: Report) -> None:
    """automountServiceAccountToken (only false may be set), the pod security context's IDs
    and each projected volume source (exactly one kind per source)."""
    if spec.automount_service_account_token is True:
        bad("must not set the field(s) (only false is allowed)", "automountServiceAccountToken")
    check_ids(spec.security_context, "securityContext", bad)
    for v_index, volume in enumerate(spec.volumes or []):
        projected: Any = volume.projected
        if not isinstance(projected, dict):
            continue
        for s_index, source in enumerate(projected.get("sources") or []):
            specified = [k for k in PROJECTION_SOURCES if isinstance(source, dict) and k in source]
            if err := one_of_error(specified, PROJECTION_SOURCES):
                bad(err, f"volumes[{v_index}].projected.sources[{s_index}]")
