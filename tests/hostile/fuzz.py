"""Mutated Knative YAML for the fuzz harness: real samples, bent in the ways real inputs are.

Structural mutations (a value swapped for another type, a huge or negative number, unicode,
deep nesting, a key dropped or added) of the knative-docs samples, then text-level ones
(BOM, CRLF, NUL bytes, python tags, alias bombs, truncation). Used by
tests/hostile/test_fuzz.py (a few thousand cases per CI run) and bench/fuzz.py (longer).
"""

from __future__ import annotations

import contextlib
import copy
import io
import resource
import signal
from pathlib import Path
from typing import Any

import yaml
from hypothesis import strategies as st

from knstack.cli import main
from tests.conftest import CORPUS

EXIT_CODES = {0, 1, 2}


def nested(depth: int) -> Any:
    value: Any = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"k": value}
    return value


ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "1e309", "ÿ\u202e", "a" * 300, "Service", "v1", "${X}"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
    st.integers(min_value=1, max_value=400).map(nested),
)


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


def replaced(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    out = copy.deepcopy(data)
    parent = out
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value
    return out


def dropped(data: Any, path: tuple[Any, ...]) -> Any:
    if not path:
        return data
    out = copy.deepcopy(data)
    parent = out
    for part in path[:-1]:
        parent = parent[part]
    del parent[path[-1]]
    return out


TEXT_MUTATIONS = [
    lambda t: t,
    lambda t: "\ufeff" + t,
    lambda t: t.replace("\n", "\r\n"),
    lambda t: t.replace(":", ":\x00", 1),
    lambda t: t[: len(t) // 2],
    lambda t: t + "---\n" + t,
    lambda t: t.replace("name:", "name: !!python/object:os.system", 1),
    lambda t: "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
    lambda t: t.replace("metadata:", "metadata: &m", 1) + "---\n" + "x: " + "*m " * 1,
    lambda t: "\t" + t,
]


def samples() -> list[Any]:
    documents = []
    for path in sorted(CORPUS.glob("*.yaml")):
        documents += [d for d in yaml.safe_load_all(path.read_text()) if isinstance(d, dict)]
    return documents


MUTATION_DEPTH = 12


@st.composite
def mutated_yaml(draw: st.DrawFn, documents: list[Any]) -> str:
    doc = draw(st.sampled_from(documents))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        # Mutations land in the sample's own structure (not inside an earlier deep nest), so a
        # case is at most one nest deep and PyYAML's recursive dumper below can write it.
        path = draw(st.sampled_from([p for p in paths(doc) if len(p) <= MUTATION_DEPTH]))
        doc = replaced(doc, path, draw(ODD_VALUES)) if draw(st.booleans()) else dropped(doc, path)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    return draw(st.sampled_from(TEXT_MUTATIONS))(text)


CASE_SECONDS = 30  # one case; a real render of one sample takes milliseconds


class CaseTooSlow(BaseException):
    """One case ran past CASE_SECONDS: unbounded work, a finding (a BaseException, so the
    CLI's own "internal error" handler does not turn it into an exit code)."""


def _too_slow(signum: int, frame: Any) -> None:
    raise CaseTooSlow(f"one case ran over {CASE_SECONDS} s")


def run_render(text: str, workdir: Path) -> tuple[int, str, str]:
    """`knstack render -f` on the text, in-process (a subprocess per case costs ~1 s of
    start-up; hypothesis' shrinking multiplies it), bounded by an alarm:
    (exit code, stdout, stderr)."""
    source = workdir / "input.yaml"
    source.write_bytes(text.encode("utf-8", "surrogatepass"))
    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _too_slow)
    signal.alarm(CASE_SECONDS)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["render", "-f", str(source)])
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, out.getvalue(), err.getvalue()


def peak_memory_bytes() -> int:
    """This process' peak resident size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
