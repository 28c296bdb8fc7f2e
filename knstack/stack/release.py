"""Staged canaries: an environment's canary plan, each service's release state, and the
Route traffic that follows from them, per cluster.

    knstack:canary:
      stages: [5, 25, 50, 100]        # percent of traffic on the candidate at each stage
      waves: [[prod-eu], [prod-us]]   # optional: clusters take the stages wave after wave
      soakTime: 30m                   # optional: the least time at a stage before advancing
    knstack:releases:
      coffee:                         # a Service in the environment's namespace ("ns/name" too)
        stable: coffee-00001
        candidate: coffee-00002
        wave: 1                       # 1-based; written only when the plan has waves
        stage: 2                      # 1-based: 25% on coffee-00002, 75% on coffee-00001

A release walks a line of steps: each wave through each stage, then the candidate becomes
stable. Clusters of earlier waves serve the candidate at 100%, clusters of the wave in
progress at the stage's percent, clusters of later waves serve the stable revision only.
Tags the Service declares are kept at 0%; a tag that follows the latest revision follows
the release instead (its candidate where the candidate's wave has started, else its
stable revision), so a rolled-back or not yet promoted revision never keeps running behind
a tag. Without a release entry a Service keeps its own traffic block.

Workloads outlive their traffic. The stable revision keeps its workload while the
candidate takes 100% (a rollback from the last stage is immediate), and a revision that
stops serving (the stable one a finished release replaces, a rolled-back candidate) stays
deployed with no traffic, as `retained`, until its retention ends: by default the next
release that completes (`knstack:retention`). So the render that moves traffic away from
a workload never deletes it; a later one does, when no route has used it for a release.

      retained:                       # written by knstack advance/rollback/promote
        - {revision: coffee-00001, releases: 1}                    # every cluster
        - {revision: coffee-00003, releases: 1, clusters: [prod-eu]}  # where it ran
"""

from __future__ import annotations

from itertools import pairwise
from typing import Literal

from pydantic import Field, field_validator, model_validator

from knstack.api.duration import parse_go_duration
from knstack.api.serving import TrafficTarget
from knstack.stack.base import SettingsModel

ReleaseState = Literal["stable", "progressing", "rolled-back"]


class CanaryPlan(SettingsModel):
    """The percents a candidate moves through in this environment, ending at 100, and the
    order in which the environment's clusters take them."""

    stages: list[int] = Field(default_factory=lambda: [100])
    # Cluster names, wave by wave; empty: every cluster in one wave. The environment checks
    # that each of its clusters is in exactly one wave.
    waves: list[list[str]] = Field(default_factory=list)
    # Go duration (30s, 10m, 1h30m): the least time a stage must have run before `knstack
    # advance` moves on, and a candidate must have served 100% before it is promoted on.
    soak_time: str | None = None

    @field_validator("stages")
    @classmethod
    def _increasing_to_100(cls, stages: list[int]) -> list[int]:
        if not stages:
            raise ValueError("at least one stage is required")
        if any(not 1 <= s <= 100 for s in stages):
            raise ValueError("each stage is a whole percent between 1 and 100")
        if any(b <= a for a, b in pairwise(stages)):
            raise ValueError(f"stages must increase: {stages}")
        if stages[-1] != 100:
            raise ValueError(
                f"the last stage must be 100 (the candidate takes all traffic): {stages}"
            )
        return stages

    @field_validator("waves")
    @classmethod
    def _waves_partition(cls, waves: list[list[str]]) -> list[list[str]]:
        if any(not wave for wave in waves):
            raise ValueError("a wave names at least one cluster")
        names = [name for wave in waves for name in wave]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"a cluster belongs to one wave only: {', '.join(repeated)}")
        return waves

    @field_validator("soak_time")
    @classmethod
    def _soak_is_duration(cls, value: str | None) -> str | None:
        if value is not None and parse_go_duration(value) < 0:
            raise ValueError(f"soakTime must not be negative: {value}")
        return value

    @property
    def soak_seconds(self) -> float:
        return parse_go_duration(self.soak_time) if self.soak_time else 0.0

    @property
    def wave_count(self) -> int:
        return max(1, len(self.waves))

    def wave_of(self, cluster: str) -> int:
        """The 1-based wave of a cluster (1 when the plan declares no waves)."""
        for number, wave in enumerate(self.waves, start=1):
            if cluster in wave:
                return number
        return 1

    def wave_clusters(self, wave: int, clusters: list[str]) -> list[str]:
        """The clusters (in the environment's order) that take part in a wave."""
        return [c for c in clusters if self.wave_of(c) == wave]

    @property
    def last_step(self) -> tuple[int, int]:
        return (self.wave_count, len(self.stages))


class RetentionSettings(SettingsModel):
    """How long a revision that stops serving keeps its workload (with no traffic)."""

    # Release completions a retired revision waits for before its workload is removed:
    # 1 keeps it until the next release of the service completes. Counted in releases,
    # not time, so that a render depends on the repository alone.
    releases: int = Field(default=1, ge=1)


class RetainedRevision(SettingsModel):
    """A revision that no longer serves but keeps its workload until its retention ends."""

    revision: str
    releases: int = Field(default=1, ge=1)  # release completions it still waits for
    clusters: list[str] = Field(default_factory=list)  # where it ran; empty: every cluster

    def on(self, cluster: str | None) -> bool:
        return cluster is None or not self.clusters or cluster in self.clusters


class Release(SettingsModel):
    """Where one service stands in this environment."""

    stable: str | None = None
    candidate: str | None = None
    wave: int = Field(default=1, ge=1)  # the wave in progress (1 without waves)
    stage: int = Field(default=0, ge=0)  # 0: candidate recorded but not serving yet
    previous: str | None = None  # the stable revision before this one (rollback after a release)
    rolled_back: list[str] = Field(default_factory=list)  # never promoted again by automation
    status: Literal["stable", "rolled-back"] = "stable"  # when no candidate is progressing
    retained: list[RetainedRevision] = Field(default_factory=list)  # deployed, no traffic
    updated: str | None = None  # when it last moved (RFC 3339, UTC), written by knstack promote

    @model_validator(mode="after")
    def _consistent(self) -> Release:
        if self.stable is None and self.candidate is None:
            raise ValueError("a release needs a stable revision, a candidate, or both")
        if self.candidate is not None and self.candidate == self.stable:
            raise ValueError(f"the candidate {self.candidate!r} is already the stable revision")
        if self.candidate is None and self.stage:
            raise ValueError("a stage needs a candidate")
        if self.candidate is None and self.wave != 1:
            raise ValueError("a wave needs a candidate")
        if self.stable is None and self.candidate is not None and self.stage == 0:
            raise ValueError(
                "a first release without a stable revision must start at a stage of 1 or more"
            )
        if self.previous is not None and self.previous == self.stable:
            raise ValueError(f"the previous revision {self.previous!r} is the stable one")
        names = [r.revision for r in self.retained]
        serving = [n for n in names if n in (self.stable, self.candidate)]
        if serving:
            raise ValueError(f"retained revision {serving[0]!r} is the stable one or the candidate")
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"revision {repeated[0]!r} is retained twice")
        return self

    @property
    def state(self) -> ReleaseState:
        return "progressing" if self.candidate is not None else self.status


def candidate_percent(release: Release, plan: CanaryPlan) -> int:
    """The candidate's share of traffic in the wave in progress (100 without a stable one)."""
    if release.candidate is None:
        return 0
    if release.stable is None:
        return 100
    if release.stage == 0:
        return 0
    return plan.stages[min(release.stage, len(plan.stages)) - 1]


def cluster_percent(release: Release, plan: CanaryPlan, cluster: str) -> int:
    """The candidate's share of traffic on one cluster: 100 in the waves already through,
    the stage's percent in the wave in progress, 0 in the waves still to come."""
    if release.candidate is None:
        return 0
    if release.stable is None:
        return 100
    wave = plan.wave_of(cluster)
    if wave < release.wave:
        return 100
    if wave > release.wave:
        return 0
    return candidate_percent(release, plan)


def release_traffic(
    release: Release,
    plan: CanaryPlan,
    declared: list[TrafficTarget] | None,
    cluster: str | None = None,
) -> list[TrafficTarget]:
    """The Route traffic for a release on `cluster` (or in the wave in progress): the
    candidate at its percent, the stable revision the rest, declared tags at 0%."""
    percent = (
        candidate_percent(release, plan)
        if cluster is None
        else cluster_percent(release, plan, cluster)
    )
    traffic: list[TrafficTarget] = []
    if release.stable is not None and percent < 100:
        traffic.append(TrafficTarget(revision_name=release.stable, percent=100 - percent))
    if release.candidate is not None and (percent > 0 or release.stable is None):
        traffic.append(TrafficTarget(revision_name=release.candidate, percent=percent))
    # On a cluster whose wave has not started, nothing of the candidate runs.
    started = cluster is None or plan.wave_of(cluster) <= release.wave
    followed = (release.candidate if started else None) or release.stable or release.candidate
    for target in declared or []:
        if not target.tag:
            continue
        # A tag kept carries no share of the default host; one that follows the latest
        # revision follows the release, never a rolled-back or unpromoted revision.
        if target.revision_name is None and target.configuration_name is None:
            traffic.append(TrafficTarget(revision_name=followed, percent=0, tag=target.tag))
        else:
            traffic.append(target.model_copy(update={"percent": 0}))
    return traffic


def candidate_started(release: Release, plan: CanaryPlan, cluster: str | None) -> bool:
    """Whether the candidate runs on `cluster` (None: in the wave in progress)."""
    if release.candidate is None:
        return False
    if release.stable is None:
        return True
    if release.stage == 0:
        return False
    return cluster is None or plan.wave_of(cluster) <= release.wave


def deployed_revisions(release: Release, plan: CanaryPlan, cluster: str | None) -> list[str]:
    """Every revision of the release with a workload on `cluster` (None: anywhere): the
    stable one (even while the candidate takes 100%), the candidate where it started, and
    the retained ones that ran there."""
    names = [release.stable] if release.stable is not None else []
    if candidate_started(release, plan, cluster) and release.candidate is not None:
        names.append(release.candidate)
    names += [r.revision for r in release.retained if r.on(cluster)]
    return names


def standby_revisions(
    release: Release,
    plan: CanaryPlan,
    traffic: list[TrafficTarget],
    cluster: str | None = None,
) -> list[str]:
    """The revisions deployed on `cluster` that `traffic` (the release's) does not route."""
    routed = {t.revision_name for t in traffic if t.percent or t.tag}
    return [name for name in deployed_revisions(release, plan, cluster) if name not in routed]
