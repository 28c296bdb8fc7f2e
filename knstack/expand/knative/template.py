"""The revision template a Knative object carries: the ledger's, under the ledger's name.

The template's BYO name (`metadata.name`) is the ledger's revision name, so Knative
creates exactly the revision the ledger records (knative/serving pkg/reconciler/configuration/resources/revision.go). Knative rejects a changed
template under an unchanged name, so anything knstack adds here is a function of the
ledger template alone, never of environment settings.
"""

from __future__ import annotations

import copy
from typing import Any

from knstack.api.autoscaling import SETTING_KEYS, Autoscaling, lookup
from knstack.api.knstack_annotations import reserved_instance
from knstack.errors import InputError, Problem
from knstack.expand.labels import sorted_map
from knstack.resolve.model import RevisionPlan
from knstack.vocabulary import RESTRICTED_CONTAINER_SECURITY

MAX_NAME = 63


def build_template(rev: RevisionPlan, *, kind: str, source: str) -> dict[str, Any]:
    _check_byo_name(rev, kind, source)
    return revision_template(rev)


def revision_template(rev: RevisionPlan) -> dict[str, Any]:
    """The template as Knative receives it (and so the Revision it creates): the ledger's
    name, the reserved instance in Knative's words, restricted security contexts."""
    data = rev.template.to_dict()
    meta = dict(data.get("metadata") or {})
    meta.pop("generateName", None)
    meta.pop("namespace", None)
    annotations = {
        **meta.get("annotations", {}),
        **reserved_instance_annotations(meta.get("annotations", {})),
    }
    out_meta: dict[str, Any] = {"name": rev.name}
    if meta.get("labels"):
        out_meta["labels"] = sorted_map(meta["labels"])
    if annotations:
        out_meta["annotations"] = sorted_map(annotations)
    return {"metadata": out_meta, "spec": restricted_spec(data.get("spec", {}))}


def restricted_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The pod spec with every container's securityContext Pod Security "restricted".

    Knative fills these in only with config-features `secure-pod-defaults` enabled
    (knative/serving pkg/apis/serving/v1/revision_defaults.go); written here, the template
    is safe on any cluster. The user's own fields win, key by key, including the pod-level
    runAsNonRoot and seccompProfile (Knative allows all these container fields without a
    feature flag: pkg/apis/serving/k8s_validation.go).
    """
    pod = spec.get("securityContext") or {}
    defaults = {k: v for k, v in RESTRICTED_CONTAINER_SECURITY.items() if k not in pod}
    out = dict(spec)
    for field in ("initContainers", "containers"):
        if field in spec:
            out[field] = [_restricted_container(c, defaults) for c in spec[field]]
    return out


def _restricted_container(container: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    merged = {**copy.deepcopy(defaults), **(container.get("securityContext") or {})}
    return {**container, "securityContext": {key: merged[key] for key in sorted(merged)}}


def reserved_instance_annotations(annotations: dict[str, str]) -> dict[str, str]:
    """`knstack.dev/reserved-instance` in Knative's words: the min-scale that keeps (or not) a pod.

    "true" keeps one pod of a revision that could scale to zero (KPA class, min-scale unset
    or 0): min-scale 1. "false" pins min-scale 0 so the environment's default (config-
    autoscaler min-scale, which `reservedInstance.enabled` sets to 1) does not apply.
    Unset leaves the revision to the environment. The HPA class never scales to zero.
    """
    choice = reserved_instance(annotations)
    scaling = Autoscaling.of(annotations)
    if choice is None or not scaling.is_kpa:
        return {}
    found = lookup(annotations, "min_scale")
    key = found[0] if found else SETTING_KEYS["min_scale"][0]
    if choice and not scaling.min_scale:
        return {key: "1"}
    if not choice and scaling.min_scale is None:
        return {key: "0"}
    return {}


def _check_byo_name(rev: RevisionPlan, kind: str, source: str) -> None:
    # Knative accepts a BYO name only as `<configuration>-<suffix>` within 63 characters.
    prefix = f"{rev.configuration}-"
    if not rev.name.startswith(prefix) or len(rev.name) > MAX_NAME:
        raise InputError(
            Problem(
                f"the knative backend names revisions by the ledger ({rev.name!r}), and Knative "
                f"requires such names to start with {prefix!r} and be at most {MAX_NAME} "
                f"characters: "
                "shorten the name",
                file=source,
                obj=f"{kind} {rev.namespace}/{rev.configuration}",
                field="metadata.name",
            )
        )
