"""The working copy of one command: an overlay reads and writes as a copied dict would, and its
base, the world's state, is never changed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import Play
from hightable.core import Accepted, handle
from hightable.core.engine import evolve_all
from hightable.core.overlay import Overlay

KEYS = st.sampled_from("abcdef")
OPERATION = st.tuples(st.sampled_from(["set", "del", "pop"]), KEYS, st.integers(0, 9))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(KEYS, st.integers(0, 9)), st.lists(OPERATION, max_size=30))
def test_an_overlay_behaves_as_a_copy_and_leaves_its_base(
    base: dict[str, int], operations: list[tuple[str, str, int]]
) -> None:
    """Any writes, deletions and pops: the overlay reads as a copy would; the base is unchanged."""
    before, copy, overlay = dict(base), dict(base), Overlay(base)
    for operation, key, value in operations:
        if operation == "set":
            copy[key] = overlay[key] = value
        elif operation == "del" and key in copy:
            del copy[key], overlay[key]
        else:
            assert copy.pop(key, None) == overlay.pop(key, None)
        assert sorted(copy.items()) == sorted(overlay.items())
        assert (len(copy), copy.get(key), key in copy) == (
            len(overlay),
            overlay.get(key),
            key in overlay,
        )
    assert before == base


def test_a_working_state_changes_and_its_base_does_not() -> None:
    """State.working(): evolving the working copy leaves the state it was made from as it was."""
    play = Play().register("john", "winston")
    play.ok("table", "mint", to="john", amount=10)
    state = play.ledger.state
    raw = {"by": "john", "do": "transfer", "to": "winston", "amount": 4, "at": play.at()}
    outcome = handle(state, raw)
    assert isinstance(outcome, Accepted)
    work = evolve_all(state.working(), outcome.events)
    assert (6, 4) == (work.balances["john"], work.balances["winston"])
    assert (10, None) == (state.balances["john"], state.balances.get("winston"))
