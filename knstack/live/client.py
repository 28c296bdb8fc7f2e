"""Connections to the clusters an environment names, through the kubeconfig (the official
Kubernetes Python client: it reads every kubeconfig auth method, including exec plugins)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from knstack.errors import InputError, KnstackError, Problem, require_extra


class ClusterUnreachable(KnstackError):
    """The cluster did not answer (exit 1: the check could not be made)."""

    exit_code = 1


@dataclass
class ClusterConnection:
    """A cluster's API, and the dynamic client that maps apiVersion/kind to its resources."""

    cluster: str
    context: str
    server: str
    dynamic: Any  # kubernetes.dynamic.DynamicClient
    version: str

    def resource(self, api_version: str, kind: str) -> Any | None:
        """The API resource of a kind, or None when the cluster does not serve it."""
        from kubernetes.dynamic.exceptions import ResourceNotFoundError

        try:
            return self.dynamic.resources.get(api_version=api_version, kind=kind)
        except ResourceNotFoundError:
            return None


def kubeconfig_path() -> str | None:
    """$KUBECONFIG (its first file), else ~/.kube/config; None when neither exists."""
    value = os.environ.get("KUBECONFIG", "")
    first = value.split(os.pathsep)[0] if value else os.path.expanduser("~/.kube/config")
    return first if os.path.isfile(first) else None


def connect(cluster: str, context: str | None, stack_file: str) -> ClusterConnection:
    """Connect to `context` (the kubeconfig's current context when None)."""
    require_extra("kubernetes", "cluster", "talking to a live cluster")
    from kubernetes import client, config, dynamic
    from kubernetes.config.config_exception import ConfigException
    from urllib3.exceptions import HTTPError

    path = kubeconfig_path()
    field = 'config."knstack:clusters"[].context'
    if path is None:
        raise InputError(
            Problem(
                f"cluster {cluster}: no kubeconfig found ($KUBECONFIG or ~/.kube/config)",
                file=stack_file,
                field=field,
            )
        )
    try:
        api = config.new_client_from_config(config_file=path, context=context)
    except ConfigException as err:
        raise InputError(
            Problem(f"cluster {cluster}: kubeconfig {path}: {err}", file=stack_file, field=field)
        ) from None
    server = api.configuration.host
    try:
        version = client.VersionApi(api).get_code(_request_timeout=10).git_version
        dyn = dynamic.DynamicClient(api)
    except (HTTPError, OSError, client.ApiException) as err:
        raise ClusterUnreachable(
            f"cluster {cluster} (context {context or 'current'}) at {server} did not answer: {_reason(err)}"
        ) from None
    return ClusterConnection(cluster, context or "", server, dyn, version)


def _reason(err: Exception) -> str:
    text = str(getattr(err, "reason", "") or err)
    return text.splitlines()[0][:300] if text else type(err).__name__
