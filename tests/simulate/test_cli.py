"""`knstack simulate` as a user runs it: a stack's service, a plain YAML file, traces."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from knstack.cli import main

REPO = Path(__file__).resolve().parents[2]
SERVICE = """apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: hello
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/max-scale: "5"
    spec:
      containerConcurrency: 10
      containers:
      - image: example.com/hello:1
"""


def test_stack_service_table_json_and_plots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["simulate", "-C", str(REPO), "--stack", "prod", "--service", "coffee",
            "--pattern", "spike", "--duration", "2h", "--compare", "hpa,reserved"]  # fmt: skip
    assert main([*args, "--format", "json", "--plots", str(tmp_path / "a")]) == 0
    doc = json.loads(capsys.readouterr().out)
    names = [c["configuration"] for c in doc["configurations"]]
    # prod-eu runs the KEDA HTTP add-on: coffee (KPA class) scales on requests there.
    assert names == ["as rendered (keda-http)", "hpa", "reserved"]
    rendered, hpa, reserved = doc["configurations"]
    assert rendered["peak_pods"] > 1 and hpa["peak_pods"] > 1
    assert reserved["panic_seconds"] > 0  # the spike panics the KPA
    assert doc["verdict"].startswith("verdict: ")
    assert main([*args, "--plots", str(tmp_path / "b")]) == 0
    assert "CONFIGURATION" in capsys.readouterr().out
    for ext in ("png", "svg"):
        first = (tmp_path / f"a.{ext}").read_bytes()
        assert first == (tmp_path / f"b.{ext}").read_bytes()  # same input, same bytes


def test_yaml_file_and_csv_trace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    service = tmp_path / "hello.yaml"
    service.write_text(SERVICE)
    trace = tmp_path / "trace.csv"
    trace.write_text(
        "minute,requests\n" + "".join(f"{m},{600 if m % 10 == 5 else 0}\n" for m in range(60))
    )
    code = main(["simulate", "-f", str(service), "--service", "hello", "--trace", str(trace),
                 "--compare", "kpa,fixed:2", "--format", "markdown"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "| kpa |" in out and "| fixed:2 |" in out
    kpa_row = next(line for line in out.splitlines() if line.startswith("| kpa |"))
    assert kpa_row.split("|")[2].strip() != "0"  # idle minutes: the KPA scaled to zero


def test_azure_functions_layout(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    service = tmp_path / "hello.yaml"
    service.write_text(SERVICE)
    trace = tmp_path / "invocations_per_function_md.anon.d01.csv"
    header = "HashOwner,HashApp,HashFunction,Trigger," + ",".join(str(m) for m in range(1, 1441))
    quiet = "o,a,f1,http," + ",".join("1" for _ in range(1440))
    busy = "o,a,f2,http," + ",".join("600" if m % 30 == 0 else "0" for m in range(1440))
    trace.write_text(f"{header}\n{quiet}\n{busy}\n")
    code = main(["simulate", "-f", str(service), "--service", "hello", "--trace", str(trace),
                 "--format", "json"])  # fmt: skip
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["configurations"][0]["requests"] == pytest.approx(600 * 48)  # the busiest row


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--pattern", "wavy"], "unknown pattern 'wavy'"),
        (["--pattern", "spike", "--compare", "vpa"], "unknown configuration 'vpa'"),
        (["--pattern", "spike", "--slo", "p90=1s"], "--slo"),
        (["--pattern", "spike", "--service-time", "fast"], "--service-time"),
        (["--trace", "{bad}"], "bad.csv:3: column requests"),
        ([], "exactly one of --trace FILE or --pattern NAME"),
    ],
)
def test_bad_input_is_named(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service = tmp_path / "hello.yaml"
    service.write_text(SERVICE)
    bad = tmp_path / "bad.csv"
    bad.write_text("requests\n3\nlots\n")
    extra = [str(bad) if e == "{bad}" else e for e in extra]
    code = main(["simulate", "-f", str(service), "--service", "hello", "--duration", "1h", *extra])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(("plots", "named"), [(False, "numpy"), (True, "numpy and matplotlib")])
def test_without_the_simulate_extra_it_says_what_to_install(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    plots: bool,
    named: str,
) -> None:
    """numpy and matplotlib are the `simulate` extra (the main job needs neither): without
    them the command exits 2 naming the extra, with no traceback."""
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name in ("numpy", "matplotlib") else real(name, *a),
    )
    args = ["simulate", "-C", str(REPO), "--stack", "prod", "--service", "coffee"]
    args += ["--pattern", "spike", *(["--plots", str(tmp_path / "p")] if plots else [])]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert f"knstack simulate needs {named} (the 'simulate' extra)" in err
    assert "pip install 'knstack[simulate]'" in err and "Traceback" not in err
