"""Knative's own code as the judge, at volume: knstack's accept/reject against
tools/knative-oracle (Knative 1.23's webhook code) on N generated cases (default 5,000)
plus the corpus and the test suite's bad-input cases; prints the agreement and every
disagreement the known-differences file does not explain (exit 1 when there is one).

    .venv/bin/python bench/oracle_agreement.py [cases]
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.oracle, run from anywhere

from tests.oracle.agreement import (
    agreement,
    describe,
    judge_all,
    load_known_differences,
    unexplained,
)
from tests.oracle.generator import sample_cases
from tests.oracle.judges import find_oracle, write_config
from tests.oracle.test_differential import bad_input_cases, corpus_cases


def main() -> int:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    oracle = find_oracle()
    if oracle is None:
        print("knative-oracle is not built: run scripts/bootstrap-tools.sh tests", file=sys.stderr)
        return 2
    known = load_known_differences()
    with tempfile.TemporaryDirectory() as tmp:
        config = write_config(Path(tmp) / "config.json")
        groups = {
            "generated": judge_all(sample_cases(count), oracle, config),
            "corpus": judge_all(corpus_cases(), oracle, config),
            "bad-input": judge_all(bad_input_cases(), oracle, config),
        }
    failed = False
    everything = [o for outcomes in groups.values() for o in outcomes]
    print(
        f"all: {len(everything)} cases, agreement {agreement(everything):.2%} "
        f"({sum(not o.agree for o in everything)} listed or unexplained differences)"
    )
    for name, outcomes in groups.items():
        left = unexplained(outcomes, known)
        by_entry = Counter(
            next(k.id for k in known if k.explains(o))
            for o in outcomes
            if not o.agree and o not in left
        )
        print(
            f"{name}: {len(outcomes)} cases, agreement {agreement(outcomes):.2%}, "
            f"listed differences {sum(by_entry.values())}, unexplained {len(left)}"
        )
        for entry, hits in sorted(by_entry.items()):
            print(f"    {entry}: {hits}")
        for outcome in left:
            failed = True
            print("  UNEXPLAINED", describe(outcome))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
