"""The Tekton side of `advance --auto`: a Pipeline that lets the analysis decide, and a
CronJob per schedule that starts it.

The Pipeline has one task per environment with analysis checks (chained with `runAfter`,
so two environments never move at once); each task runs `knstack advance --auto` for each
analyzed service, applies the environment to its clusters and commits the stack files,
and the last step pushes (as the promotion Pipeline does, with the optional `basic-auth`
workspace). The CronJob (`concurrencyPolicy: Forbid`: a run never starts while the last
one's PipelineRun is being created) creates a PipelineRun from a ConfigMap'd template with
`kubectl create`, under a ServiceAccount that may only create PipelineRuns in its
namespace; the PipelineRun's `spec.workspaces` and `params` are the operator's to fill in
(the source checkout, kubeconfig Secrets, the image), as with the promotion Pipeline.
"""

from __future__ import annotations

import copy
from typing import Any

from knstack.promote.pipelines.model import AutoJob, ClusterRef, PipelineModel
from knstack.vocabulary import MANAGED_BY, MANAGED_BY_LABEL, RESTRICTED_CONTAINER_SECURITY

PRELUDE = """#!/bin/sh
set -eu
if [ -n "$CRDS" ]; then export KNSTACK_CRDS="$CRDS"; set --; else set -- --download-crds; fi
"""


def auto_pipeline(model: PipelineModel, name: str) -> dict[str, Any]:
    clusters = [c for job in model.auto for c in model.clusters[job.environment]]
    tasks: list[dict[str, Any]] = []
    for job in model.auto:
        task = _task(job, model.clusters[job.environment])
        if tasks:
            task["runAfter"] = [tasks[-1]["name"]]
        tasks.append(task)
    return {
        "apiVersion": "tekton.dev/v1",
        "kind": "Pipeline",
        "metadata": {"name": name, "labels": {MANAGED_BY_LABEL: MANAGED_BY}},
        "spec": {
            "description": f"Let canary analysis advance, roll back or hold the releases of {model.project} in "
            + ", ".join(j.environment for j in model.auto)
            + " (knstack advance --auto).",
            "params": [
                {"name": "image", "type": "string"},
                {"name": "crds", "type": "string", "default": ""},
                {"name": "branch", "type": "string", "default": "main"},
            ],
            "workspaces": [
                {"name": "source"},
                {"name": "basic-auth", "optional": True},
                *[{"name": _kubeconfig(c)} for c in clusters],
            ],
            "tasks": tasks,
        },
    }


def _task(job: AutoJob, clusters: tuple[ClusterRef, ...]) -> dict[str, Any]:
    env = job.environment
    lines = [
        f"for SERVICE in {' '.join(job.services)}; do",
        f'  knstack advance "$SERVICE" --stack {env} --auto "$@"',
        "done",
        f"knstack render --stack {env} --out out",
    ]
    for cluster in clusters:
        context = f" --context {cluster.context}" if cluster.context else ""
        lines.append(
            f'kubectl --kubeconfig "$(workspaces.{_kubeconfig(cluster)}.path)/kubeconfig"{context} apply -k out/{env}/{cluster.name}'
        )
    lines += [
        "git add stacks",
        f'git diff --cached --quiet || git -c user.name=knstack -c user.email=knstack@localhost commit -m "knstack: advance --auto in {env}"',
    ]
    push = (
        '#!/bin/sh\nset -eu\nif [ "$(workspaces.basic-auth.bound)" = "true" ]; then\n'
        '  cp "$(workspaces.basic-auth.path)/.git-credentials" "$HOME/.git-credentials"\n'
        '  cp "$(workspaces.basic-auth.path)/.gitconfig" "$HOME/.gitconfig"\n'
        '  git pull --rebase origin "$BRANCH"\n  git push origin "HEAD:$BRANCH"\nfi\n'
    )
    return {
        "name": job.id,
        "params": [{"name": n, "value": f"$(params.{n})"} for n in ("image", "crds", "branch")],
        "workspaces": [
            {"name": "source", "workspace": "source"},
            {"name": "basic-auth", "workspace": "basic-auth"},
            *[{"name": _kubeconfig(c), "workspace": _kubeconfig(c)} for c in clusters],
        ],
        "taskSpec": {
            "params": [{"name": n, "type": "string"} for n in ("image", "crds", "branch")],
            "workspaces": [
                {"name": "source"},
                {"name": "basic-auth", "optional": True, "readOnly": True},
                *[{"name": _kubeconfig(c), "readOnly": True} for c in clusters],
            ],
            "stepTemplate": {
                "image": "$(params.image)",
                "workingDir": "$(workspaces.source.path)",
                "env": [
                    {"name": "CRDS", "value": "$(params.crds)"},
                    {"name": "BRANCH", "value": "$(params.branch)"},
                    {"name": "HOME", "value": "/tekton/home"},
                ],
                "securityContext": copy.deepcopy(dict(RESTRICTED_CONTAINER_SECURITY)),
            },
            "steps": [
                {"name": "advance-auto", "script": PRELUDE + "\n".join(lines) + "\n"},
                {"name": "push", "script": push},
            ],
        },
    }


def schedule_objects(model: PipelineModel, pipeline: str) -> list[dict[str, Any]]:
    """A ServiceAccount, Role and RoleBinding to create PipelineRuns, and a CronJob per schedule."""
    labels = {MANAGED_BY_LABEL: MANAGED_BY}
    account = f"{pipeline}-scheduler"
    objects: list[dict[str, Any]] = [
        {
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": {"name": account, "labels": labels},
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": {"name": account, "labels": labels},
            "rules": [
                {"apiGroups": ["tekton.dev"], "resources": ["pipelineruns"], "verbs": ["create"]}
            ],
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": {"name": account, "labels": labels},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": account},
            "subjects": [{"kind": "ServiceAccount", "name": account}],
        },
    ]
    for index, cron in enumerate(sorted({job.schedule for job in model.auto})):
        objects.append(_cronjob(f"{pipeline}-{index + 1}", cron, pipeline, account, labels))
    return objects


def _cronjob(
    name: str, cron: str, pipeline: str, account: str, labels: dict[str, str]
) -> dict[str, Any]:
    script = f"set -eu\nkubectl create -f /etc/{pipeline}/pipelinerun.yaml\n"
    container = {
        "name": "start",
        "image": "registry.k8s.io/kubectl:v1.33.0",
        "command": ["/bin/sh", "-c", script],
        "volumeMounts": [{"name": "template", "mountPath": f"/etc/{pipeline}", "readOnly": True}],
        "securityContext": copy.deepcopy(dict(RESTRICTED_CONTAINER_SECURITY)),
    }
    pod = {
        "serviceAccountName": account,
        "restartPolicy": "Never",
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 65532,
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "containers": [container],
        # A ConfigMap the operator provides: a PipelineRun of the Pipeline (generateName,
        # params, workspaces), as for the promotion Pipeline.
        "volumes": [{"name": "template", "configMap": {"name": f"{pipeline}-run"}}],
    }
    return {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": name, "labels": labels},
        "spec": {
            "schedule": cron,
            "timeZone": "Etc/UTC",
            "concurrencyPolicy": "Forbid",
            "jobTemplate": {"spec": {"backoffLimit": 0, "template": {"spec": pod}}},
        },
    }


def _kubeconfig(cluster: ClusterRef) -> str:
    return f"kubeconfig-{cluster.name}"
