"""The promotion commands on bad input and on the paths the scenario does not take: an
unknown environment or service, a broken chain, a service's first release downstream,
rolling back a finished release."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.promote.conftest import Knstack
from tests.promote.helpers import rendered_traffic, state, tree_bytes


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("promote", "coffee", "--to", "qa"),
            "no environment 'qa' (environments: lab, prod, staging, test)",
        ),
        (
            ("promote", "latte", "--to", "prod"),
            "no Service coffee-shop/latte in the components (Services: coffee, menu, orders, pastry, tea)",
        ),
        (("advance", "latte", "--stack", "prod"), "no Service coffee-shop/latte"),
        (("advance", "coffee", "--stack", "prod", "--wave", "2"), "--wave needs --stage"),
        (
            ("advance", "coffee", "--stack", "staging", "--stage", "3"),
            "there is no wave 1 stage 3 in staging",
        ),
        (("promote", "coffee", "--to", "prod", "--force"), "--force needs --reason"),
    ],
    ids=[
        "unknown-environment",
        "unknown-service",
        "unknown-service-advance",
        "wave-without-stage",
        "no-such-stage",
        "force-without-reason",
    ],
)
def test_bad_input_exits_2_and_writes_nothing(
    knstack: Knstack, example_project: Path, args: tuple[str, ...], message: str
) -> None:
    if "--force" in args:
        assert knstack("advance", "coffee", "--stack", "staging")[0] == 0
    before = tree_bytes(example_project)
    code, _, err = knstack(*args)
    assert code == 2, err
    assert message in err
    assert "Traceback" not in err
    assert tree_bytes(example_project) == before


def test_a_promotion_chain_that_goes_round_is_refused(
    knstack: Knstack, example_project: Path
) -> None:
    test = example_project / "stacks" / "Pulumi.test.yaml"
    test.write_text(
        test.read_text().replace(
            "  knstack:canary:\n", "  knstack:promotion:\n    from: prod\n  knstack:canary:\n", 1
        )
    )
    code, _, err = knstack("promote", "coffee", "--to", "prod")
    assert (
        code == 2
        and "promotion goes round in a circle" in err
        and 'field config."knstack:promotion".from' in err
    )


def test_a_new_service_gets_its_first_release_downstream(
    knstack: Knstack, example_project: Path
) -> None:
    menu = (example_project / "components" / "menu.yaml").read_text()
    (example_project / "components" / "latte.yaml").write_text(
        menu.replace("name: menu", "name: latte").replace("/menu:", "/latte:")
    )
    assert knstack("render", "--stack", "test")[0] == 0  # the first environment records it
    assert knstack("promote", "latte", "--to", "staging")[0] == 0
    # Nothing to canary against: the first release serves 100% at once.
    assert state(example_project, "staging", "latte") == (
        None,
        "latte-00001",
        None,
        1,
        (),
        "stable",
    )
    assert rendered_traffic(example_project, "staging", "latte") == {
        "staging-eu": {"latte-00001": 100}
    }
    code, _, err = knstack("rollback", "latte", "--stack", "staging")
    assert code == 1 and "no stable revision to return to" in err


def test_rollback_after_a_finished_release_returns_to_the_previous_revision(
    knstack: Knstack, example_project: Path
) -> None:
    assert knstack("advance", "coffee", "--stack", "staging")[0] == 0
    assert knstack("advance", "coffee", "--stack", "staging")[0] == 0
    assert state(example_project, "staging") == ("coffee-00002", None, None, None, (), "stable")
    assert (
        knstack(
            "rollback",
            "coffee",
            "--stack",
            "staging",
            "--reason",
            "latency regression after the release",
        )[0]
        == 0
    )
    assert state(example_project, "staging") == (
        "coffee-00001",
        None,
        None,
        None,
        ("coffee-00002",),
        "rolled-back",
    )
    assert rendered_traffic(example_project, "staging") == {"staging-eu": {"coffee-00001": 100}}
    # prod is not offered the revision staging rolled back: nothing newer passed staging.
    code, out, _ = knstack("promote", "coffee", "--to", "prod")
    assert (
        code == 0
        and "nothing to do: nothing newer has passed staging (it runs coffee-00001)" in out
    )


def test_a_pipeline_step_stops_after_a_rollback(knstack: Knstack, example_project: Path) -> None:
    assert knstack("rollback", "coffee", "--stack", "staging", "--reason", "bad latency")[0] == 0
    code, _, err = knstack("advance", "coffee", "--stack", "staging", "--stage", "2", "--wait")
    assert code == 1 and "coffee was rolled back in staging (to coffee-00001)" in err
    # ... while a finished release makes the named steps no-ops (a re-run job).
    code, out, _ = knstack("advance", "coffee", "--stack", "prod", "--stable")
    assert code == 0 and "no candidate to advance" in out
