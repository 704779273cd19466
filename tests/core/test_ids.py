"""ID-1: an id is a slug from its first character to its last, nothing after it."""

from __future__ import annotations

import pytest

from hightable.core import Refusal, parse_command
from hightable.core.commands import is_slug
from hightable.core.world import create_world

START = "2019-05-17T17:00:00Z"
# Each looks like a slug to the eye, or to a pattern ending in `$`.
LOOKALIKES = [
    "john\n",
    "john\r",
    "john\u0000",
    "\u0458ohn",  # a Cyrillic je
    "john ",
    "agent-\uff14\uff17",  # fullwidth digits
    "john\n\n",
    "\njohn",
]


@pytest.mark.parametrize("bad", LOOKALIKES)
def test_id_1_refuses_a_member_id_with_more_than_a_slug(bad: str) -> None:
    """ID-1: a member id ending in a newline, NUL or space, or with non-ASCII letters is refused."""
    raw = {"by": "table", "at": START, "do": "register", "member": bad, "name": "x"}
    refusal = parse_command(raw)
    assert isinstance(refusal, Refusal)
    assert "ID-1" == refusal.rule


@pytest.mark.parametrize("bad", LOOKALIKES)
def test_id_1_refuses_a_lookalike_in_every_id_field(bad: str) -> None:
    """ID-1: the actor, a named object and a grant's nested id are judged alike."""
    commands = [
        {"by": bad, "at": START, "do": "tick"},
        {"by": "john", "at": START, "do": "transfer", "to": bad, "amount": 1},
        {
            "by": "elder",
            "at": START,
            "do": "offer_terms",
            "terms": "t",
            "to": "john",
            "grants": [{"admit": bad}],
            "requires": [],
            "grant_on": "accept",
        },
    ]
    for raw in commands:
        refusal = parse_command(raw)
        assert isinstance(refusal, Refusal), raw
        assert "ID-1" == refusal.rule


@pytest.mark.parametrize("bad", LOOKALIKES)
def test_id_1_refuses_a_world_id_with_more_than_a_slug(bad: str) -> None:
    """ID-1 (WORLD-1): a world id ending in a newline or holding lookalike letters is refused."""
    refusal = create_world(bad, START)
    assert isinstance(refusal, Refusal)
    assert "ID-1" == refusal.rule


@pytest.mark.parametrize("good", ["john", "j", "agent-47", "0", "j" * 64])
def test_id_1_still_accepts_slugs(good: str) -> None:
    """ID-1: plain slugs, up to 64 characters, still pass."""
    assert is_slug(good)
    assert not isinstance(create_world(good, START), Refusal)
