"""What the resolver hands to every backend: concrete revisions and routes, no Knative indirection.

A `ServingPlan` is Knative's controller state without a controller: Services split into
Configurations and Routes, every template pinned to a ledger revision, every traffic
target pinned to a revision name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from knstack.api.autoscaling import Autoscaling
from knstack.api.serving import RevisionTemplateSpec


@dataclass(frozen=True)
class RevisionDefaults:
    """What Knative fills in before its builders run (SetDefaults, then the reconciler's
    config), computed once per revision by `knstack.resolve.defaults.apply_defaults`."""

    timeout_seconds: int  # spec.timeoutSeconds, else config-defaults revision-timeout-seconds
    # serving.knative.dev/progress-deadline, else config-deployment progress-deadline
    progress_deadline_seconds: int
    container_concurrency: int  # spec.containerConcurrency, else config-defaults
    container_names: tuple[str, ...]  # each container's name, unnamed ones defaulted
    # each container's resources with config-defaults revision-* filled in key by key
    # (None: neither the container nor the environment sets any)
    container_resources: tuple[dict[str, Any] | None, ...] = ()


@dataclass(frozen=True)
class RevisionPlan:
    name: str
    namespace: str
    configuration: str
    service: str | None  # the owning Service, when the configuration came from one
    generation: int
    digest: str
    template: RevisionTemplateSpec
    source: str  # file (and line) the configuration came from, for messages
    defaults: RevisionDefaults | None = None  # set by the defaulting step

    @property
    def effective(self) -> RevisionDefaults:
        """The defaulted settings builders read (never a default of their own)."""
        if self.defaults is None:
            raise RuntimeError(f"{self.ref} was not defaulted (knstack.resolve.defaults)")
        return self.defaults

    @cached_property
    def autoscaling(self) -> Autoscaling:
        """Parsed once per revision: every autoscaler and gateway decision reads it."""
        return Autoscaling.of(self.template.metadata.annotations)

    @property
    def ref(self) -> str:
        return f"Revision {self.namespace}/{self.name}"


@dataclass(frozen=True)
class TrafficSplit:
    """One resolved traffic target: a revision, its percent, and its tag if any."""

    revision: str
    percent: int
    tag: str | None = None
    latest: bool = False  # followed the configuration's latest revision


@dataclass(frozen=True)
class RoutePlan:
    name: str
    namespace: str
    service: str | None
    cluster_local: bool
    traffic: tuple[TrafficSplit, ...]
    # Revisions kept deployed with no traffic: the stable one while a candidate takes
    # 100%, and retired ones until their retention ends. No route object names them.
    standby: tuple[str, ...] = ()
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def weighted_revisions(self) -> list[tuple[str, int]]:
        """Revisions on the default host with their summed percent, 0% dropped, in order."""
        totals: dict[str, int] = {}
        for split in self.traffic:
            totals[split.revision] = totals.get(split.revision, 0) + split.percent
        return [(rev, pct) for rev, pct in totals.items() if pct > 0]

    def tags(self) -> list[tuple[str, str]]:
        """(tag, revision) pairs in declaration order; each tag host serves its revision at 100%."""
        seen: dict[str, str] = {}
        for split in self.traffic:
            if split.tag and split.tag not in seen:
                seen[split.tag] = split.revision
        return list(seen.items())

    def routed_revisions(self) -> list[str]:
        names = [rev for rev, _ in self.weighted_revisions()]
        names += [rev for _, rev in self.tags() if rev not in names]
        return names

    def deployed_revisions(self) -> list[str]:
        """The revisions with workloads: routed ones, then those on standby."""
        routed = self.routed_revisions()
        return routed + [rev for rev in self.standby if rev not in routed]

    @property
    def ref(self) -> str:
        return f"Route {self.namespace}/{self.name}"


@dataclass(frozen=True)
class ConfigurationPlan:
    """A configuration (its own object, or a Service's) with its latest revision."""

    name: str
    namespace: str
    service: str | None
    latest: RevisionPlan
    labels: dict[str, str] = field(default_factory=dict)
    annotations: dict[str, str] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True)
class ServingPlan:
    configurations: tuple[ConfigurationPlan, ...]
    routes: tuple[RoutePlan, ...]
    revisions: tuple[RevisionPlan, ...]  # every revision some route sends traffic to or tags
    warnings: tuple[str, ...] = ()

    @cached_property
    def _revisions_by_name(self) -> dict[tuple[str, str], RevisionPlan]:
        return {(rev.namespace, rev.name): rev for rev in self.revisions}

    def revision(self, namespace: str, name: str) -> RevisionPlan:
        try:
            return self._revisions_by_name[(namespace, name)]
        except KeyError:
            raise KeyError(f"{namespace}/{name}") from None

    def namespaces(self) -> list[str]:
        found = {c.namespace for c in self.configurations} | {r.namespace for r in self.routes}
        return sorted(found)
