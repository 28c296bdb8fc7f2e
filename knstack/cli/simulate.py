"""`knstack simulate`: replay a traffic trace through a revision's autoscaler and others.

Exit codes as every command: 0 done, 2 bad input. The table goes to stdout (text,
Markdown or JSON); plots are written as PNG and SVG with --plots.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from knstack.cli.app import EXIT_OK, PROJECT_DIR_OPTION, app, open_project, stderr
from knstack.errors import InputError, KnstackError, Problem

if TYPE_CHECKING:  # numpy and the simulation load only when the command runs
    import numpy as np

    from knstack.build import EnvironmentBuild
    from knstack.simulate.results import Slo, Summary
    from knstack.simulate.run import Options, Target


class TableFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m|h)$")
_SLO = re.compile(r"^(p50|p95|p99)=(.+)$")


def parse_seconds(option: str, text: str) -> float:
    """200ms, 30s or 2m as seconds; a message naming the option otherwise."""
    match = _DURATION.match(text.strip())
    if not match:
        raise InputError(
            [Problem(f"{option}: {text!r} is not a duration (use e.g. 200ms, 30s, 2m, 24h)")]
        )
    value = float(match.group(1))
    return value * {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[match.group(2)]


@app.command()
def simulate(
    stack: str | None = typer.Option(
        None, "--stack", "-s", help="Environment (stacks/Pulumi.<env>.yaml)."
    ),
    files: list[Path] = typer.Option(
        [], "--filename", "-f", help="Plain Knative YAML instead of an environment."
    ),
    service: str = typer.Option(..., "--service", help="The Service (name or namespace/name)."),
    cluster: str | None = typer.Option(
        None, "--cluster", help="The cluster whose rendering is simulated (default: the first)."
    ),
    trace: Path | None = typer.Option(
        None,
        "--trace",
        help="CSV trace: a requests column per second or minute, or the Azure Functions 2019 layout.",
    ),
    resolution: str = typer.Option(
        "second", "--resolution", help="second or minute: what one row of a --trace CSV covers."
    ),
    function: str | None = typer.Option(
        None, "--function", help="Azure trace: the HashFunction to replay (default: the busiest)."
    ),
    pattern: str | None = typer.Option(
        None,
        "--pattern",
        help="Synthetic traffic: steady, step, spike, diurnal, bursty, idle-then-burst.",
    ),
    seed: int = typer.Option(1, "--seed", help="Seed of the synthetic pattern."),
    duration: str = typer.Option(
        "24h", "--duration", help="Length of a synthetic pattern (e.g. 1h, 24h)."
    ),
    rate: float = typer.Option(100.0, "--rate", help="Synthetic pattern's base rate, requests/s."),
    compare: list[str] = typer.Option(
        [],
        "--compare",
        help="Other configurations: kpa, hpa, hpa-cpu, schedule+hpa, keda-http, reserved, fixed:N (comma-separated or repeated).",
    ),
    service_time: str = typer.Option(
        "200ms",
        "--service-time",
        help="Time a pod spends on a request: 200ms, exp:200ms or lognormal:200ms:0.8 (mean, sigma).",
    ),
    startup: str = typer.Option("30s", "--startup", help="Pod start-up time (the cold start)."),
    price_cpu: float = typer.Option(
        0.0000113, "--price-cpu", help="Price of one requested core per second."
    ),
    price_memory: float = typer.Option(
        0.0000012, "--price-memory", help="Price of one requested GiB per second."
    ),
    slo: str = typer.Option(
        "p99=500ms",
        "--slo",
        help="Latency budget for the verdict: p50|p95|p99=DURATION (added latency).",
    ),
    overrides: list[str] = typer.Option(
        [],
        "--override",
        help="One more configuration: the revision with annotations changed, e.g. target=50,window=30s (repeatable).",
    ),
    start: str = typer.Option(
        "2026-01-05T00:00",
        "--start",
        help="Wall-clock time of the trace's first second, for cron schedules (no zone: the schedule's).",
    ),
    fmt: TableFormat = typer.Option(TableFormat.text, "--format", help="text, markdown or json."),
    plots: Path | None = typer.Option(
        None, "--plots", help="Write the plots as <path>.png and <path>.svg."
    ),
    project_dir: Path | None = PROJECT_DIR_OPTION,
) -> int:
    """Replay traffic through the revision's autoscaler and others: cold starts, added latency, pods, cost."""
    _require_simulate_extra(plots=plots is not None)
    from knstack.simulate.overrides import parse_override
    from knstack.simulate.run import Options, run_all, select_target
    from knstack.simulate.service_time import parse_service_time

    if (trace is None) == (pattern is None):
        raise InputError([Problem("give exactly one of --trace FILE or --pattern NAME")])
    if bool(stack) == bool(files):
        raise InputError([Problem("give exactly one of --stack ENV or --filename FILE")])
    options = Options(
        service_time=parse_service_time(service_time),
        startup=parse_seconds("--startup", startup),
        price_cpu_second=price_cpu,
        price_memory_gib_second=price_memory,
        slo=parse_slo(slo),
        start=parse_start(start),
        overrides=tuple(parse_override(text) for text in overrides),
    )
    if trace is not None:
        series = _recorded(trace, resolution, function)
    else:
        series = _synthetic(str(pattern), seed, duration, rate)
    build = _build(stack, files, project_dir)
    target = select_target(build, service, cluster)
    names = [n.strip() for item in compare for n in item.split(",") if n.strip()]
    runs, summaries = run_all(target, build, series, names, options)
    _report(fmt, target, build.environment, summaries, options, len(series))
    if plots is not None:
        from knstack.simulate.plots import write_plots

        title = f"{target.revision.ref} ({build.environment}/{target.cluster})"
        for path in write_plots(runs, title, plots):
            stderr.print(f"wrote {path}")
    return EXIT_OK


def parse_slo(text: str) -> Slo:
    from knstack.simulate.results import Slo

    match = _SLO.match(text.strip())
    if not match:
        raise InputError([Problem(f"--slo: {text!r} must look like p99=500ms")])
    return Slo(match.group(1), parse_seconds("--slo", match.group(2)))


def parse_start(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            [Problem(f"--start: {text!r} is not an ISO 8601 time (e.g. 2026-01-05T06:00)")]
        ) from None


def _recorded(trace: Path, resolution: str, function: str | None) -> np.ndarray:
    from knstack.simulate.traces import read_trace

    if resolution not in ("second", "minute"):
        raise InputError([Problem(f"--resolution: {resolution!r} must be second or minute")])
    return read_trace(trace, resolution, function)


def _synthetic(pattern: str, seed: int, duration: str, rate: float) -> np.ndarray:
    from knstack.simulate.traces import synthetic

    length = int(parse_seconds("--duration", duration))
    if length < 1:
        raise InputError([Problem(f"--duration: {duration!r} must be at least 1s")])
    return synthetic(pattern, seed, length, rate)


def _build(stack: str | None, files: list[Path], project_dir: Path | None) -> EnvironmentBuild:
    if stack:
        from knstack.build import build_environment

        return build_environment(open_project(project_dir), stack)
    from knstack.build import build_files

    return build_files(files)


def _report(
    fmt: TableFormat,
    target: Target,
    environment: str,
    summaries: list[Summary],
    options: Options,
    seconds: int,
) -> None:
    from knstack.simulate.results import table_json, table_markdown, table_text, verdict

    line = verdict(summaries, options.slo)
    if fmt is TableFormat.json:
        typer.echo(table_json(summaries, options.slo, line), nl=False)
        return
    head = f"{target.revision.ref} on {environment}/{target.cluster}: {seconds} s of traffic"
    head += f", service time {options.service_time}"
    body = table_markdown(summaries) if fmt is TableFormat.markdown else table_text(summaries)
    typer.echo(f"{head}\n\n{body}\n{line}")


class MissingExtra(KnstackError):
    """A command needs Python packages of an optional extra that is not installed."""


def _require_simulate_extra(*, plots: bool) -> None:
    """numpy (and matplotlib for --plots) come with the `simulate` extra, not the package:
    the main job needs neither."""
    from importlib.util import find_spec

    wanted = ("numpy", "matplotlib") if plots else ("numpy",)
    missing = [name for name in wanted if find_spec(name) is None]
    if missing:
        raise MissingExtra(
            f"knstack simulate needs {' and '.join(missing)} (the 'simulate' extra): "
            "pip install 'knstack[simulate]', or in a checkout scripts/bootstrap.sh simulate"
        )
