"""Grants and requirements are read into typed values, while the log and the sealed state keep
the written form: a reshaping of the code must not change a stored world's bytes or seals."""

from __future__ import annotations

from pathlib import Path

import pytest

from hightable.core.grants import (
    Admit,
    CancelContractsOn,
    Consecrate,
    LiftExcommunicado,
    MustEliminate,
    MustPay,
    MustSwearFealty,
    RestoreManager,
    read_grant,
    read_requirement,
)
from hightable.core.seals import state_digest
from hightable.stories import load_story, play

JOHN_WICK = Path(__file__).parents[2] / "stories" / "canon" / "john-wick.yaml"
# The digest a `state_sealed` event after the canon story's last event holds (CHAIN-2).
JOHN_WICK_SEALED = "adac616bf459a908e5d17c42e9fb42e0bee7b53086ae9a92be79cd3b38f2aa3c"


@pytest.mark.parametrize(
    ("written", "grant"),
    [
        ("lift_excommunicado", LiftExcommunicado()),
        ({"admit": "ruska-roma"}, Admit("ruska-roma")),
        ({"cancel_contracts_on": "john"}, CancelContractsOn("john")),
        (
            {"restore_manager": {"hotel": "continental", "member": "winston"}},
            RestoreManager("continental", "winston"),
        ),
        ({"consecrate": "continental"}, Consecrate("continental")),
    ],
)
def test_each_written_grant_reads_as_its_typed_value(written: object, grant: object) -> None:
    """Every form §8 lists reads as the grant it names."""
    assert grant == read_grant(written)


@pytest.mark.parametrize(
    ("written", "requirement"),
    [
        ({"eliminate": "santino"}, MustEliminate("santino")),
        ("swear_fealty", MustSwearFealty()),
        ({"pay": 5}, MustPay(5)),
    ],
)
def test_each_written_requirement_reads_as_its_typed_value(
    written: object, requirement: object
) -> None:
    """Every requirement §8 lists reads as the requirement it names."""
    assert requirement == read_requirement(written)


@pytest.mark.parametrize(
    "written",
    [
        {"restore_manager": {"hotel": "continental"}},
        {"restore_manager": {"hotel": "continental", "member": "winston", "x": "y"}},
        {"admit": 1},
        {"admit": "ruska-roma", "consecrate": "continental"},
        "admit",
    ],
)
def test_a_grant_not_written_as_section_8_says_is_a_problem_listing_the_forms(
    written: object,
) -> None:
    """What is no grant is a CMD-1 problem that shows every form a grant may take."""
    problem = read_grant(written)
    assert isinstance(problem, str)
    assert problem.endswith(
        "(a grant is one of lift_excommunicado, {admit: F}, {cancel_contracts_on: M}, "
        "{restore_manager: {hotel: H, member: M}}, {consecrate: H})"
    )


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ({"pay": 1.5}, "pay: 1.5 is not a whole number of coins, at most 1,000,000,000,000,000"),
        ({"pay": True}, "pay: True is not a whole number of coins"),
        ({"pey": 5}, "'pey' is no requirement; did you mean pay?"),
        ({"swear_fealty": 1}, "swear_fealty is written alone, as a word, not as a key"),
        ("eliminate", "eliminate needs a value, a member's id: {eliminate: M}"),
        ({"pay": 1, "eliminate": "x"}, "a requirement has one key, and this has 2"),
        (5, "a requirement is a word or a mapping of one key, not 5"),
    ],
)
def test_a_bad_requirement_is_told_in_plain_words(written: object, problem: str) -> None:
    """The fault itself, not the value's Python form: `{'pay': 1.5}` is a pay of no whole
    number of coins."""
    told = read_requirement(written)
    assert isinstance(told, str)
    assert told.startswith(problem)
    assert "{'" not in told


def test_a_pay_of_a_boolean_is_no_requirement() -> None:
    """`{pay: true}` is no amount, though Python counts a bool as an int."""
    assert isinstance(read_requirement({"pay": True}), str)


def test_the_canon_story_s_final_state_seals_to_the_same_digest() -> None:
    """The state's JSON, which `state_sealed` events vouch for, keeps its shape: a stored log's
    seals still match its replay."""
    result, ledger = play(load_story(JOHN_WICK))
    assert result.passed
    assert JOHN_WICK_SEALED == state_digest(ledger.state)
