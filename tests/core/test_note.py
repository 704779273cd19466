"""A command's note: the scene it is told in, a short text sealed into its first event (CMD-1)."""

from __future__ import annotations

from pathlib import Path

from helpers import Play
from hightable.core import Ledger, Refusal, canonical_json, decode_event, to_dict
from hightable.limits import note_length_max
from hightable.stories.loader import load_story
from hightable.stories.runner import play

CANON = Path(__file__).resolve().parents[2] / "stories" / "canon" / "john-wick.yaml"


def test_a_good_note_is_sealed_into_the_commands_first_event() -> None:
    world = Play()
    world.ok("table", "register", member="john", name="John Wick")
    outcome = world.ok("table", "register", member="winston", name="Winston", note="The roof. ✓")
    (event,) = world.ledger.events_of(outcome)
    assert to_dict(event)["note"] == "The roof. ✓"
    assert b'"note":"The roof. \xe2\x9c\x93"' in canonical_json(event)
    assert world.ledger.verify().ok


def test_a_note_travels_on_the_first_event_only() -> None:
    world = Play()
    world.ok("table", "register", member="john", name="John Wick")
    world.ok("table", "mint", to="john", amount=10)
    world.ok("table", "open_hotel", hotel="ny", name="The Continental", manager="john")
    world.ok("table", "register", member="santino", name="Santino")
    outcome = world.ok("john", "eliminate", target="santino", hotel="ny", note="The lounge.")
    events = world.ledger.events_of(outcome)
    assert [e.type for e in events] == ["member_eliminated", "breach_recorded"]
    assert [e.note for e in events] == ["The lounge.", None]


def test_an_over_long_note_is_refused_naming_the_field() -> None:
    world = Play()
    refusal = world.refused("table", "register", member="john", name="J", note="x" * 501)
    assert refusal.rule == "CMD-1" and refusal.message.startswith("note:")
    assert note_length_max == 500
    assert world.ledger.events[-1].type == "world_created"


def test_a_note_that_is_no_text_is_refused() -> None:
    world = Play()
    for bad in ("\ud800 a lone surrogate", 7, ["a", "list"]):
        refusal = world.refused("table", "register", member="john", name="J", note=bad)
        assert isinstance(refusal, Refusal) and refusal.rule == "CMD-1"
        assert "note" in refusal.message


def test_a_log_without_notes_seals_as_it_did() -> None:
    world = Play()
    world.ok("table", "register", member="john", name="John Wick")
    assert all(b'"note"' not in canonical_json(e) for e in world.ledger.events)
    # An event as an older log holds it (no note) decodes to the same bytes, and replays.
    old = [decode_event(canonical_json(e)) for e in world.ledger.events]
    assert [canonical_json(e) for e in old] == [canonical_json(e) for e in world.ledger.events]
    assert Ledger(old).verify().ok


def test_the_canon_carries_its_scenes() -> None:
    _, ledger = play(load_story(CANON))
    notes = [e.note for e in ledger.events if e.note]
    assert "# Parabellum\nThe hour runs out." in "\n".join(notes)
    assert sum(note.startswith("# ") for note in notes) == 4
