"""Staged canaries: an environment's canary plan, each service's release state, and the
Route traffic that follows from them.

    knstack:canary:
      stages: [5, 25, 50, 100]        # percent of traffic on the candidate at each stage
    knstack:releases:
      coffee:                         # a Service in the environment's namespace ("ns/name" too)
        stable: coffee-00001
        candidate: coffee-00002
        stage: 2                      # 1-based: 25% on coffee-00002, 75% on coffee-00001

The candidate gets the stage's percent and the stable revision the rest; tags the Service
declares are kept (at 0%, on the revisions they name). Without a release entry a Service
keeps its own traffic block.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Literal

from pydantic import Field, field_validator, model_validator

from knstack.api.serving import TrafficTarget
from knstack.stack.base import SettingsModel

ReleaseState = Literal["stable", "progressing", "rolled-back"]


class CanaryPlan(SettingsModel):
    """The percents a candidate moves through in this environment, ending at 100."""

    stages: list[int] = Field(default_factory=lambda: [100])

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
            raise ValueError(f"the last stage must be 100 (the candidate takes all traffic): {stages}")
        return stages


class Release(SettingsModel):
    """Where one service stands in this environment."""

    stable: str | None = None
    candidate: str | None = None
    stage: int = Field(default=0, ge=0)  # 0: candidate recorded but not serving yet
    rolled_back: list[str] = Field(default_factory=list)  # never promoted again by automation
    status: Literal["stable", "rolled-back"] = "stable"  # when no candidate is progressing
    updated: str | None = None  # when it last moved (RFC 3339), written by knstack promote

    @model_validator(mode="after")
    def _consistent(self) -> Release:
        if self.stable is None and self.candidate is None:
            raise ValueError("a release needs a stable revision, a candidate, or both")
        if self.candidate is not None and self.candidate == self.stable:
            raise ValueError(f"the candidate {self.candidate!r} is already the stable revision")
        if self.candidate is None and self.stage:
            raise ValueError("a stage needs a candidate")
        if self.stable is None and self.candidate is not None and self.stage == 0:
            raise ValueError("a first release without a stable revision must start at a stage of 1 or more")
        return self

    @property
    def state(self) -> ReleaseState:
        return "progressing" if self.candidate is not None else self.status


def candidate_percent(release: Release, plan: CanaryPlan) -> int:
    """The candidate's share of traffic at the release's stage (100 without a stable one)."""
    if release.candidate is None:
        return 0
    if release.stable is None:
        return 100
    if release.stage == 0:
        return 0
    return plan.stages[min(release.stage, len(plan.stages)) - 1]


def release_traffic(release: Release, plan: CanaryPlan, declared: list[TrafficTarget] | None) -> list[TrafficTarget]:
    """The Route traffic for a release: candidate at the stage's percent, stable the rest."""
    percent = candidate_percent(release, plan)
    traffic: list[TrafficTarget] = []
    if release.stable is not None and percent < 100:
        traffic.append(TrafficTarget(revision_name=release.stable, percent=100 - percent))
    if release.candidate is not None and (percent > 0 or release.stable is None):
        traffic.append(TrafficTarget(revision_name=release.candidate, percent=percent))
    for target in declared or []:
        if target.tag:  # tags are kept, carrying no share of the default host
            traffic.append(target.model_copy(update={"percent": 0}))
    return traffic
