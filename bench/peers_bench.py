"""Peers benchmark: knstack render against `helm template` and cdk8s synth on the same objects.

For each N: N Knative Services with two revisions each (the second a 10% canary with a tag,
the HPA class), given to knstack as plain Knative YAML (`knstack render -f`), to Helm as the
values of the chart in bench/peers/chart, and to cdk8s as the same values read by
bench/peers/cdk8s_app.py. The outputs are checked to hold the same objects, then each
command is timed as a whole process (min and median wall seconds of --runs runs, peak RSS),
the tools taking turns run by run so that a slow spell of the machine hits each alike.

Two output forms, because they cost the file system very differently:
- stream: one YAML stream on stdout, redirected to a file (`knstack render -f IN`,
  `helm template`): the same objects, the same bytes to write;
- files: each tool's directory output (`knstack render -f IN --out DIR`: one file per
  object, 8,001 at N = 1000; `helm template --output-dir`: one file per template, 2;
  cdk8s: one file per chart);
- cluster: `knstack render -f IN --layout cluster --out DIR`, one file per cluster and its
  kustomization.yaml (2 files), compared with Helm's files.
Also: `knstack validate DIR` against kubeconform alone on the same directory and schemas,
and `knstack --help` start-up. knstack's bytecode is compiled first, as `pip install` of a
wheel does (Helm is timed as a built binary too).

Usage: .venv/bin/python bench/peers_bench.py [--runs R] [--cdk8s-max N] [N ...]
Needs: `scripts/bootstrap.sh bench` (builds Helm) and, for cdk8s, `pip install -e .[bench]`.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from knstack.synthetic import knative_history_documents
from knstack.yamlio import dump_yaml_stream

REPO = Path(__file__).resolve().parent.parent
PEERS = REPO / "bench" / "peers"
HELM = REPO / ".tools" / "bin" / "helm"
KUBECONFORM = REPO / ".tools" / "bin" / "kubeconform"
KNSTACK = [sys.executable, "-m", "knstack"]


def chart_values(count: int) -> dict[str, Any]:
    """The Helm/cdk8s values for the same services `knative_history_documents` describes."""
    services = []
    for index in range(count):
        name = f"svc-{index:05d}"
        services.append(
            {
                "name": name,
                "revisions": [
                    {"name": f"{name}-00001", "generation": 1, "version": "1.0.0", "percent": 90},
                    {
                        "name": f"{name}-00002",
                        "generation": 2,
                        "version": "1.1.0",
                        "percent": 10,
                        "tag": "candidate",
                    },
                ],
            }
        )
    return {
        "namespace": "default",
        "domain": "example.com",
        "registry": "registry.example.com/bench",
        "parentRefs": [
            {
                "group": "gateway.networking.k8s.io",
                "kind": "Gateway",
                "name": "knstack-gateway",
                "namespace": "knstack-system",
            }
        ],
        "resources": {
            "requests": {"cpu": "50m", "memory": "64Mi"},
            "limits": {"cpu": "250m", "memory": "128Mi"},
        },
        "autoscaling": {
            "annotations": {
                "autoscaling.knative.dev/class": "hpa.autoscaling.knative.dev",
                "autoscaling.knative.dev/max-scale": "5",
                "autoscaling.knative.dev/metric": "cpu",
                "autoscaling.knative.dev/min-scale": "1",
                "autoscaling.knative.dev/target": "70",
            },
            "min": 1,
            "max": 5,
            "target": 70,
        },
        "services": services,
    }


def run(
    args: list[str], env: dict[str, str] | None = None, stdout: Path | None = None
) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of one process (its stdout written to `stdout`);
    exits on failure."""
    sink = open(stdout, "wb") if stdout is not None else subprocess.DEVNULL  # noqa: SIM115
    start = time.perf_counter()
    try:
        proc = subprocess.Popen(args, stdout=sink, stderr=subprocess.PIPE, env=env, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        if stdout is not None:
            sink.close()
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{stderr}")
    return elapsed, usage.ru_maxrss // 1024


def timed(args: list[str], runs: int, clean: Path | None = None, env=None) -> dict[str, float]:
    return timed_together({"only": Command(args, clean)}, runs, env)["only"]


class Command:
    """A command to time: its output directory (removed before each run) or stdout file."""

    def __init__(self, args: list[str], clean: Path | None = None, stdout: Path | None = None):
        self.args, self.clean, self.stdout = args, clean, stdout

    def run(self, env: dict[str, str] | None) -> tuple[float, int]:
        if self.clean is not None:
            shutil.rmtree(self.clean, ignore_errors=True)
        return run(self.args, env, self.stdout)


def timed_together(
    commands: dict[str, Command], runs: int, env: dict[str, str] | None = None
) -> dict[str, dict[str, float]]:
    """Each command's min and median wall and peak memory, the commands taking turns."""
    walls: dict[str, list[float]] = {name: [] for name in commands}
    peaks: dict[str, list[int]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            wall, peak = command.run(env)
            walls[name].append(wall)
            peaks[name].append(peak)
    return {
        name: {
            "min": min(walls[name]),
            "median": statistics.median(walls[name]),
            "peak_mib": max(peaks[name]),
        }
        for name in commands
    }


def objects_in(output: Path) -> Counter[str]:
    """Every object in `output` (a stream file or a directory of them) as canonical JSON
    (key order and layout ignored)."""
    found: Counter[str] = Counter()
    paths = sorted(output.rglob("*.yaml")) if output.is_dir() else [output]
    for path in paths:
        if path.name == "kustomization.yaml":
            continue
        for doc in yaml.load_all(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader):
            if doc:
                found[json.dumps(doc, sort_keys=True)] += 1
    return found


def same_objects(name: str, reference: Counter[str], other: Counter[str]) -> None:
    if reference != other:
        missing = list((reference - other).elements())[:1]
        extra = list((other - reference).elements())[:1]
        raise SystemExit(
            f"{name} differs from knstack:\nonly knstack: {missing}\nonly {name}: {extra}"
        )


def has_cdk8s() -> bool:
    probe = [sys.executable, "-c", "import cdk8s"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def prepare(work: Path, count: int, with_cdk8s: bool) -> dict[str, Command]:
    """Inputs for each tool in `work`; returns each timed command by its row name."""
    (work / "input.yaml").write_text(dump_yaml_stream(knative_history_documents(count)))
    values = chart_values(count)
    (work / "values.json").write_text(json.dumps(values))
    (work / "values.yaml").write_text(yaml.safe_dump(values, sort_keys=False))
    knstack = [*KNSTACK, "render", "-f", str(work / "input.yaml")]
    helm = [str(HELM), "template", "bench", str(PEERS / "chart"), "-f", str(work / "values.yaml")]
    commands = {
        "knstack stream": Command(knstack, stdout=work / "knstack.yaml"),
        "helm stream": Command(helm, stdout=work / "helm.yaml"),
        "knstack files": Command([*knstack, "--out", str(work / "knstack")], work / "knstack"),
        "knstack cluster": Command(
            [*knstack, "--layout", "cluster", "--out", str(work / "knstack-cluster")],
            work / "knstack-cluster",
        ),
        "helm files": Command([*helm, "--output-dir", str(work / "helm")], work / "helm"),
    }
    if with_cdk8s:
        cdk8s = [sys.executable, str(PEERS / "cdk8s_app.py"), str(work / "values.json")]
        commands["cdk8s files"] = Command([*cdk8s, str(work / "cdk8s")], work / "cdk8s")
    return commands


def compare(
    count: int, runs: int, with_cdk8s: bool, with_validate: bool
) -> dict[str, dict[str, float]]:
    env = {**os.environ, "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1"}
    with tempfile.TemporaryDirectory(prefix="knstack-peers-") as tmp:
        work = Path(tmp)
        commands = prepare(work, count, with_cdk8s)
        results = timed_together(commands, runs, env)
        reference = objects_in(work / "knstack")
        for name, command in commands.items():
            if name != "knstack files":
                output = command.stdout or command.clean
                assert output is not None
                same_objects(name, reference, objects_in(output))
        results["objects"] = {"count": float(sum(reference.values()))}
        if with_validate:
            results |= validate_figures(work / "knstack" / "files", runs, env)
    return results


def validate_figures(directory: Path, runs: int, env: dict[str, str]) -> dict[str, dict]:
    sys.path.insert(0, str(REPO / "bench"))
    from validate_bench import DEFAULT_CRDS, bare_kubeconform

    cache = directory.parent.parent / "schema-cache"
    env = {**env, "KNSTACK_CACHE_DIR": str(cache), "KNSTACK_CRDS": str(DEFAULT_CRDS)}
    validate = [*KNSTACK, "validate", str(directory)]
    run(validate, env)  # fills the schema cache both commands read
    return {
        "knstack validate": timed(validate, runs, env=env),
        "kubeconform": timed(bare_kubeconform(directory, cache, DEFAULT_CRDS), runs, env=env),
    }


def report(count: int, results: dict[str, dict[str, float]]) -> None:
    objects = int(results.pop("objects")["count"])
    print(f"\nN = {count} services, {objects} objects")
    print(f"  {'command':<18} {'min s':>8} {'median s':>9} {'peak MiB':>9}")
    for tool, figures in results.items():
        print(
            f"  {tool:<18} {figures['min']:>8.2f} {figures['median']:>9.2f} {figures['peak_mib']:>9}"
        )
    for form, knstack_row in (("stream", "stream"), ("files", "files"), ("files", "cluster")):
        knstack = results[f"knstack {knstack_row}"]["median"]
        for peer in ("helm", "cdk8s"):
            if f"{peer} {form}" in results:
                ratio = knstack / results[f"{peer} {form}"]["median"]
                print(f"  knstack {knstack_row} / {peer} {form}: {ratio:.2f} (goal <= 1)")
    if "kubeconform" in results:
        ratio = results["knstack validate"]["median"] / results["kubeconform"]["median"]
        print(f"  knstack validate / kubeconform: {ratio:.2f} (goal <= 1.2)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cdk8s-max", type=int, default=1000, help="largest N given to cdk8s")
    args = parser.parse_args()
    if not HELM.exists():
        raise SystemExit("helm is not built: run scripts/bootstrap.sh bench")
    with_cdk8s = has_cdk8s()
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; {args.runs} runs each")
    if not with_cdk8s:
        print("cdk8s is not installed (pip install -e '.[bench]'): skipping it")
    # As installing a wheel does: without it, where PYTHONDONTWRITEBYTECODE is set, every
    # knstack process would compile its own modules again (an editable install caches none).
    compileall.compile_dir(REPO / "knstack", quiet=1)
    help_figures = timed([*KNSTACK, "--help"], max(args.runs, 5))
    print(f"knstack --help: median {help_figures['median']:.3f} s (goal < 0.3 s)")
    medians: dict[int, float] = {}
    for count in args.counts:
        cdk8s = with_cdk8s and count <= args.cdk8s_max
        results = compare(count, args.runs, cdk8s, count == max(args.counts))
        medians[count] = results["knstack stream"]["median"]
        report(count, results)
    if 1000 in medians and 10000 in medians:
        ratio = medians[10000] / medians[1000]
        print(f"\nscaling of knstack stream: time(10k) / time(1k) = {ratio:.1f} (goal <= 10.5)")


if __name__ == "__main__":
    main()
