"""What a generated pipeline does, independent of the CI system: the checks per
environment, and the promotion jobs per environment and wave, each a list of knstack
commands that move the release one step at a time (idempotent: each names the step it
goes to, so a re-run job does not move further than it should).
"""

from __future__ import annotations

from dataclasses import dataclass

from knstack.build import build_environment
from knstack.promote.chain import read_chain
from knstack.promote.state import load_state
from knstack.promote.steps import STABLE, Target, describe_step
from knstack.stack import Project
from knstack.stack.release import CanaryPlan

SERVICE = "$SERVICE"  # the service is a run-time input, passed in an environment variable


@dataclass(frozen=True)
class Command:
    id: str  # a DNS label: "start", "wave-2-stage-1", "stable"
    title: str
    step: str  # where it leaves the release: "wave 1/2 [prod-eu] stage 2/4 (25%)", "stable"
    args: tuple[str, ...]  # knstack's arguments
    clusters: tuple[str, ...]  # the clusters whose manifests the step changes (waves started)


@dataclass(frozen=True)
class ClusterRef:
    name: str
    context: str | None


@dataclass(frozen=True)
class PromotionJob:
    id: str  # promote-<env>[-wave-<n>]
    environment: str
    wave: int | None  # None when the environment has one wave
    clusters: tuple[str, ...]  # the wave's clusters (every cluster without waves)
    needs: str | None  # the job before it
    commands: tuple[Command, ...]

    @property
    def approval(self) -> str:
        """The CI environment whose protection rules gate this job."""
        return self.environment if self.wave is None else f"{self.environment}-wave-{self.wave}"

    @property
    def title(self) -> str:
        wave = f", wave {self.wave} ({', '.join(self.clusters)})" if self.wave is not None else ""
        return f"promote to {self.environment}{wave}"


@dataclass(frozen=True)
class AutoJob:
    """`advance --auto` for each analyzed service of an environment, on a schedule."""

    environment: str
    services: tuple[str, ...]
    schedule: str  # cron, UTC
    publish: str  # commit | pull-request

    @property
    def id(self) -> str:
        return f"auto-{self.environment}"


@dataclass(frozen=True)
class PipelineModel:
    project: str
    environments: tuple[str, ...]  # every environment, promotion order first
    chain: tuple[str, ...]  # the environments promotion moves through
    clusters: dict[str, tuple[ClusterRef, ...]]
    services: tuple[str, ...]
    jobs: tuple[PromotionJob, ...]
    auto: tuple[AutoJob, ...] = ()


def pipeline_model(project: Project) -> PipelineModel:
    chain = read_chain(project)
    order = chain.order()
    in_chain = [e for e in order if chain.in_chain(e)]
    jobs: list[PromotionJob] = []
    last_job: dict[str, str] = {}
    clusters: dict[str, tuple[ClusterRef, ...]] = {}
    for env in in_chain:
        state = load_state(project, env)
        clusters[env] = tuple(ClusterRef(c.name, c.context) for c in state.settings.clusters)
        plan = state.settings.canary
        names = state.clusters
        upstream = chain.upstream(env)
        needs = last_job.get(upstream) if upstream else None
        waves = plan.wave_count
        for wave in range(1, waves + 1):
            commands = _wave_commands(env, wave, plan, names)
            job_id = f"promote-{env}" if waves == 1 else f"promote-{env}-wave-{wave}"
            wave_clusters = tuple(plan.wave_clusters(wave, names)) if waves > 1 else tuple(names)
            jobs.append(
                PromotionJob(
                    job_id, env, wave if waves > 1 else None, wave_clusters, needs, commands
                )
            )
            needs = job_id
        last_job[env] = needs or ""
    services = _services(project, order)
    return PipelineModel(
        project.name,
        tuple(order),
        tuple(in_chain),
        clusters,
        services,
        tuple(jobs),
        _auto_jobs(project, in_chain, services),
    )


def _wave_commands(env: str, wave: int, plan: CanaryPlan, names: list[str]) -> tuple[Command, ...]:
    """The commands of one wave: promote into the first stage (first wave), advance through
    each stage, and make the candidate stable (last wave)."""
    waves = plan.wave_count
    commands: list[Command] = []
    started = tuple(c for c in names if plan.wave_of(c) <= wave)
    first_stage = 1
    if wave == 1:
        step = describe_step((1, 1), plan, names)
        promote = ("promote", SERVICE, "--to", env)
        commands.append(Command("start", f"Promote to {env}: {step}", step, promote, started))
        first_stage = 2
    for stage in range(first_stage, len(plan.stages) + 1):
        target: Target = (wave, stage)
        args = ["advance", SERVICE, "--stack", env]
        if waves > 1:
            args += ["--wave", str(wave)]
        args += ["--stage", str(stage), "--wait"]
        ident = f"wave-{wave}-stage-{stage}" if waves > 1 else f"stage-{stage}"
        step = describe_step(target, plan, names)
        commands.append(Command(ident, f"Advance in {env}: {step}", step, tuple(args), started))
    if wave == waves:
        stable = ("advance", SERVICE, "--stack", env, "--stable", "--wait")
        commands.append(
            Command("stable", f"Make the candidate stable in {env}", "stable", stable, tuple(names))
        )
    return tuple(commands)


def _auto_jobs(project: Project, envs: list[str], services: tuple[str, ...]) -> tuple[AutoJob, ...]:
    """An environment with analysis checks gets a scheduled `advance --auto` job."""
    jobs = []
    for env in envs:
        analysis = load_state(project, env).settings.analysis
        if not analysis.defined:
            continue
        analyzed = services if analysis.checks else ()
        analyzed = tuple(
            sorted({*analyzed, *(k for k, s in analysis.services.items() if s.checks)})
        )
        jobs.append(AutoJob(env, analyzed, analysis.schedule, analysis.publish))
    return tuple(jobs)


def _services(project: Project, order: list[str]) -> tuple[str, ...]:
    """The Services of the components, as the first environment builds them."""
    if not order:
        return ()
    build = build_environment(project, order[0])
    return tuple(sorted({r.name for r in build.plan.routes if r.service is not None}))


__all__ = [
    "SERVICE",
    "STABLE",
    "AutoJob",
    "ClusterRef",
    "Command",
    "PipelineModel",
    "PromotionJob",
    "pipeline_model",
]
