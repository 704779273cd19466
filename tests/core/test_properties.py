"""Properties of any sequence of commands: COIN-3 holds, refusals change nothing, replay agrees."""

from __future__ import annotations

from typing import Any

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import play_steps
from hightable.core import (
    Refusal,
    canonical_json,
    decode_event,
    handle,
    replay,
)
from strategies import FAMILY_SETUP, LATER_STEP, STEP


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(STEP, min_size=1, max_size=60))
def test_invariants_hold_after_any_sequence(
    steps: list[tuple[str, dict[str, Any], int, str | None]],
) -> None:
    """COIN-3 holds, refusals change nothing, replay equals the live state, the chain verifies."""
    ledger = play_steps(steps)
    decoded = [decode_event(canonical_json(event)) for event in ledger.events]
    assert msgspec.json.encode(ledger.state) == msgspec.json.encode(replay(decoded))
    assert ledger.verify().ok


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LATER_STEP, min_size=1, max_size=80))
def test_invariants_hold_through_terms_duels_parlays_and_alliances(
    steps: list[tuple[str, dict[str, Any], int, str | None]],
) -> None:
    """The same properties, deep in chapters 8-11: families founded, members acting."""
    ledger = play_steps(FAMILY_SETUP + steps)
    decoded = [decode_event(canonical_json(event)) for event in ledger.events]
    assert msgspec.json.encode(ledger.state) == msgspec.json.encode(replay(decoded))
    assert ledger.verify().ok


def test_the_generator_reaches_both_outcomes() -> None:
    """The property is not vacuous: a fixed mix of steps is both accepted and refused."""
    steps = [
        ("john", {"do": "transfer", "to": "sofia", "amount": 5}, 1, None),
        ("john", {"do": "transfer", "to": "sofia", "amount": 500}, 1, None),
    ]
    ledger = play_steps(steps)
    assert 45 == ledger.state.balances["john"]
    assert 55 == ledger.state.balances["sofia"]
    assert isinstance(
        handle(
            ledger.state,
            {
                "by": "john",
                "do": "transfer",
                "to": "sofia",
                "amount": 500,
                "at": ledger.state.clock,
            },
        ),
        Refusal,
    )
