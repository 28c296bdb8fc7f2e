"""Where every service stands, by environment and cluster: `knstack status`.

Each environment is built (in memory, nothing written) so the traffic shown is the traffic
rendered; the release state says which revision is stable and which is the candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from knstack.build import EnvironmentBuild, build_environment
from knstack.errors import InputError, Problem
from knstack.promote.chain import read_chain
from knstack.promote.steps import parse_timestamp
from knstack.resolve.model import RoutePlan
from knstack.stack import Project
from knstack.stack.release import CanaryPlan, Release, ReleaseState, cluster_percent


@dataclass(frozen=True)
class StatusRecord:
    service: str
    namespace: str
    env: str
    cluster: str
    stable: str | None
    candidate: str | None
    stage: int  # this cluster's stage: 0 before its wave, the last stage after it
    stages: int
    wave: int | None  # the cluster's wave, when the environment declares several
    waves: int
    percent: int  # the candidate's share of this cluster's traffic
    state: ReleaseState
    updated: str | None
    managed: bool  # the environment has release state for the service
    traffic: list[dict[str, Any]] = field(
        default_factory=list
    )  # as rendered: revision, percent, tag
    rolled_back: list[str] = field(default_factory=list)
    previous: str | None = None
    # Deployed here with no traffic until their retention ends: revision, releases left.
    retained: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["rolledBack"] = data.pop("rolled_back")
        return data


def status_records(
    project: Project, environments: Sequence[str] | None = None, service: str | None = None
) -> tuple[list[StatusRecord], list[Problem]]:
    """Records for every Service in every environment (promotion order), and the problems
    of environments that do not build (the others are still reported)."""
    records: list[StatusRecord] = []
    problems: list[Problem] = []
    for env in _wanted_environments(project, environments):
        try:
            build = build_environment(project, env)
        except InputError as err:
            problems += err.problems
            continue
        records += _environment_records(build, env, service)
    return records, problems


def _wanted_environments(project: Project, environments: Sequence[str] | None) -> list[str]:
    order = read_chain(project).order()
    unknown = [e for e in environments or [] if e not in order]
    if unknown:
        raise InputError(
            [
                Problem(
                    f"no environment {e!r} (environments: {', '.join(order)})",
                    file=str(project.stack_file(e)),
                )
                for e in unknown
            ]
        )
    return [e for e in order if environments is None or e in environments]


def _environment_records(
    build: EnvironmentBuild, env: str, service: str | None
) -> list[StatusRecord]:
    """One record per Service and cluster of a built environment."""
    settings = build.settings
    plan = settings.canary
    releases = {
        (k if "/" in k else f"{settings.namespace}/{k}"): r for k, r in settings.releases.items()
    }
    records = []
    for cluster in build.clusters:
        serving = cluster.plan or build.plan
        for route in serving.routes:
            if route.service is None or (
                service is not None
                and service not in (route.name, f"{route.namespace}/{route.name}")
            ):
                continue
            wave = plan.wave_of(cluster.name)
            common: dict[str, Any] = {
                "service": route.name,
                "namespace": route.namespace,
                "env": env,
                "cluster": cluster.name,
                "stages": len(plan.stages),
                "wave": wave if plan.wave_count > 1 else None,
                "waves": plan.wave_count,
                "traffic": [
                    {
                        "revision": s.revision,
                        "percent": s.percent,
                        **({"tag": s.tag} if s.tag else {}),
                    }
                    for s in route.traffic
                ],
            }
            release = releases.get(f"{route.namespace}/{route.name}")
            if release is None:
                records.append(_unmanaged_record(route, common))
            else:
                records.append(_release_record(release, plan, cluster.name, wave, common))
    return records


def _unmanaged_record(route: RoutePlan, common: dict[str, Any]) -> StatusRecord:
    """A Service no release manages: its stable revision is the one with most traffic."""
    weighted = route.weighted_revisions()
    main = max(weighted, key=lambda item: item[1])[0] if weighted else None
    return StatusRecord(
        **common,
        stable=main,
        candidate=None,
        stage=0,
        percent=0,
        state="stable",
        updated=None,
        managed=False,
    )


def _release_record(
    release: Release, plan: CanaryPlan, cluster: str, wave: int, common: dict[str, Any]
) -> StatusRecord:
    """A managed Service: its release's stage as this cluster's wave sees it."""
    if release.candidate is None:
        stage = 0
    elif wave < release.wave:
        stage = len(plan.stages)
    elif wave > release.wave:
        stage = 0
    else:
        stage = release.stage
    return StatusRecord(
        **common,
        stable=release.stable,
        candidate=release.candidate,
        stage=stage,
        percent=cluster_percent(release, plan, cluster),
        state=release.state,
        updated=release.updated,
        managed=True,
        rolled_back=list(release.rolled_back),
        previous=release.previous,
        retained=[
            {"revision": r.revision, "releases": r.releases}
            for r in release.retained
            if r.on(cluster)
        ],
    )


def last_moved(record: StatusRecord) -> str:
    """`updated` as `2025-06-01 12:00 UTC` (or `-`)."""
    if not record.updated:
        return "-"
    return parse_timestamp(record.updated).strftime("%Y-%m-%d %H:%M UTC")
