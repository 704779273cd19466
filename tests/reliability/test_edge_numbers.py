"""Integers at the edge (CMD-1, COIN-1): every integer field, at and past its limits.

A value past a limit is refused naming the field, by `handle` as by `parse_command`; none is
carried on to fail later, in a message or an instant.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from msgspec import inspect

from edge import AT, Build, base_command, fields_where
from hightable.core import Accepted, Ledger, Refusal, handle, parse_command
from hightable.core.world import create_world
from hightable.limits import amount_max

START = "2019-05-17T17:00:00Z"
HUGE = 10**4301  # past the 4,300 digits Python turns into text
REQUIRES = base_command("offer_terms")


def is_int(kind: Any) -> bool:
    return isinstance(kind, inspect.IntType)


def requires_pay(amount: Any) -> dict[str, Any]:
    return {**REQUIRES, "requires": [{"pay": amount}]}


INT_FIELDS: list[tuple[str, str, Build]] = [
    *fields_where(is_int),
    ("offer_terms", "requires", requires_pay),
]
OUT_OF_RANGE = [HUGE, -HUGE, amount_max + 1, -amount_max - 1, True, 5.0, "5", None]


def test_every_integer_field_is_fuzzed() -> None:
    """The amounts, the price, the bounty, the grace and a payment required by terms."""
    assert {"amount", "bounty", "price", "grace", "requires"} == {name for _, name, _ in INT_FIELDS}


def a_world() -> Ledger:
    ledger = Ledger.create("w", START)
    assert isinstance(ledger, Ledger)
    raw = {"by": "table", "do": "register", "member": "x", "name": "x", "at": START}
    assert isinstance(ledger.execute(raw), Accepted)
    return ledger


@pytest.mark.parametrize(
    "value", OUT_OF_RANGE, ids=["huge", "-huge", "max+1", "-max-1", "bool", "float", "str", "null"]
)
@pytest.mark.parametrize(("do", "name", "build"), INT_FIELDS, ids=[c[0] for c in INT_FIELDS])
def test_an_integer_past_its_limits_is_cmd_1_naming_the_field(
    do: str, name: str, build: Build, value: Any
) -> None:
    """CMD-1: too large, too small, a bool, a float or not a number at all, never an exception."""
    ledger = a_world()
    before = msgspec.json.encode(ledger.state)
    outcome = handle(ledger.state, build(value))
    assert isinstance(outcome, Refusal), outcome
    assert ("CMD-1", True) == (outcome.rule, outcome.message.startswith(name))
    assert len(outcome.message) < 400
    assert before == msgspec.json.encode(ledger.state)


@pytest.mark.parametrize(("do", "name", "build"), INT_FIELDS, ids=[c[0] for c in INT_FIELDS])
def test_an_amount_at_its_limit_parses(do: str, name: str, build: Build) -> None:
    """The limit itself is within it: 10**15 coins (a grace of a hundred years) parses."""
    limit = 100 * 525_600 if name == "grace" else amount_max
    assert not isinstance(parse_command(build(limit)), Refusal)


@settings(max_examples=200, deadline=None)
@given(
    case=st.sampled_from(INT_FIELDS),
    value=st.one_of(
        st.integers(),
        st.integers(min_value=-(10**20), max_value=10**20),
        st.sampled_from([0, -1, amount_max, amount_max + 1, HUGE, -HUGE, 2**63, -(2**63) - 1]),
        st.floats(),
        st.booleans(),
    ),
)
def test_any_number_is_judged_without_an_exception(
    case: tuple[str, str, Build], value: Any
) -> None:
    """Any integer or float in any integer field: a refusal naming it, or a command decided."""
    do, name, build = case
    ledger = a_world()
    outcome = handle(ledger.state, build(value))
    if isinstance(outcome, Refusal) and outcome.rule in ("CMD-1", "COIN-1"):
        assert outcome.message.startswith(name), outcome
        assert len(outcome.message) < 400


@pytest.mark.parametrize("value", [HUGE, -HUGE, 1.5, None], ids=["huge", "-huge", "float", "null"])
def test_a_command_or_world_named_by_a_number_is_refused_without_an_exception(value: Any) -> None:
    """CMD-1 for a `do`, ID-1 for a world id: a number too long to print is shown by its size."""
    refusal = parse_command({"by": "table", "do": value, "at": AT})
    assert isinstance(refusal, Refusal)
    assert ("CMD-1", True) == (refusal.rule, refusal.message.startswith("do:"))
    refused_world = create_world(value, START)
    assert isinstance(refused_world, Refusal)
    assert ("ID-1", True) == (refused_world.rule, len(refused_world.message) < 200)
