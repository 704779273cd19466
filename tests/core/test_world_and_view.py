"""WORLD-1, and the view of §14 as of the clock or any earlier instant (TIME-3)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import Play
from hightable.core import Ledger, PathError, Refusal, Worlds, lookup, view, view_at
from hightable.core.view import SECTIONS
from hightable.stories import load_story, play


def test_world_1_an_id_is_created_once() -> None:
    """WORLD-1: creating a world whose id is taken is refused; another id is lawful."""
    worlds = Worlds()
    assert isinstance(worlds.create("parabellum", "2019-05-17T17:00:00Z"), Ledger)
    refusal = worlds.create("parabellum", "2019-05-17T17:00:00Z")
    assert isinstance(refusal, Refusal) and "WORLD-1" == refusal.rule
    assert isinstance(worlds.create("chapter-4", "2023-03-24T00:00:00Z"), Ledger)


def test_world_1_id_is_a_slug_and_start_an_instant() -> None:
    """WORLD-1 with ID-1 and CMD-1: a bad id or start creates nothing."""
    worlds = Worlds()
    bad_id = worlds.create("Parabellum", "2019-05-17T17:00:00Z")
    bad_start = worlds.create("parabellum", "soon")
    assert isinstance(bad_id, Refusal) and "ID-1" == bad_id.rule
    assert isinstance(bad_start, Refusal) and "CMD-1" == bad_start.rule
    assert {} == worlds.ledgers


def test_a_new_world_has_the_table_and_an_empty_treasury() -> None:
    """WORLD-1: the world starts at its start, with nothing in it."""
    document = Play().view()
    assert "2019-05-17T17:00:00Z" == document["clock"]
    assert (0, 0, 0, {}) == (
        document["supply"],
        document["treasury"],
        document["escrow"],
        document["members"],
    )
    for name in (
        "hotels",
        "families",
        "markers",
        "contracts",
        "terms",
        "duels",
        "parlays",
        "alliances",
    ):
        assert {} == document[name]


def test_view_as_of_an_instant_shows_deadlines_that_fell_by_then() -> None:
    """TIME-2: a view as of any instant shows every deadline that fell by then."""
    play = Play().register("john", "elder")
    play.ok("table", "appoint", member="elder", office="elder")
    play.ok("elder", "excommunicate", member="john", grace=60, reason="test")  # 17:04, from 18:04
    play.ok("table", "tick", minute=90)  # the clock passes 18:04 and the deadline is appended
    before = play.ledger.view("2019-05-17T18:03:59Z")
    after = play.ledger.view("2019-05-17T18:04:00Z")
    assert isinstance(before, dict) and isinstance(after, dict)
    assert "active" == before["members"]["john"]["status"]
    assert "excommunicado" == after["members"]["john"]["status"]
    assert "2019-05-17T18:03:59Z" == before["clock"]


def test_the_view_says_until_when_an_excommunicado_is_pending() -> None:
    """In an excommunicado's grace, the view names the instant the excommunicado takes effect (the
    page counts down from it); once in effect, or never declared, it names none."""
    play = Play().register("john", "elder")
    play.ok("table", "appoint", member="elder", office="elder")
    play.ok("elder", "excommunicate", member="john", grace=60, reason="test")  # from 18:04
    play.ok("table", "tick", minute=90)
    during = play.ledger.view("2019-05-17T18:03:59Z")
    after = play.ledger.view("2019-05-17T18:04:00Z")
    assert isinstance(during, dict) and isinstance(after, dict)
    pending = [
        d["members"][m]["excommunicado_pending_until"]
        for d in (during, after)
        for m in ("john", "elder")
    ]
    assert ["2019-05-17T18:04:00Z", None, None, None] == pending


def test_view_as_of_an_instant_between_commands_lets_the_deadline_fall() -> None:
    """A deadline that fell after the last event but before the instant is shown."""
    play = Play().register("john", "elder")
    play.ok("table", "appoint", member="elder", office="elder")
    play.ok("elder", "excommunicate", member="john", grace=60, reason="test")
    play.ok("table", "tick", minute=200)
    document = play.ledger.view("2019-05-17T18:30:00Z")
    assert isinstance(document, dict)
    assert "excommunicado" == document["members"]["john"]["status"]


def test_time_3_a_view_outside_the_worlds_time_is_refused() -> None:
    """TIME-3: a view before the start or after the clock is refused, naming both."""
    play = Play().register("john")
    for instant in ("2019-05-17T16:59:59Z", "2019-05-17T17:02:00Z"):
        refusal = play.ledger.view(instant)
        assert isinstance(refusal, Refusal) and "TIME-3" == refusal.rule
    assert isinstance(play.ledger.view("2019-05-17T17:00:00Z"), dict)


def test_lookup_walks_dotted_paths_and_names_what_is_missing() -> None:
    """A dotted path leads into the view; a wrong turn says where it went wrong."""
    document = {"members": {"john": {"breaches": ["HOTEL-2"]}}}
    assert "HOTEL-2" == lookup(document, "members.john.breaches.0")
    with pytest.raises(PathError, match="no 'jon' in members"):
        lookup(document, "members.jon.status")


def canon_state() -> Any:
    story = load_story(Path(__file__).parents[2] / "stories/canon/john-wick.yaml")
    _, ledger = play(story)
    return ledger.state


def test_a_view_at_a_path_is_that_path_of_the_whole_view() -> None:
    """`view_at` builds only what a path reaches, and finds what the whole view holds there."""
    state = canon_state()
    document = view(state)
    paths = ["clock", "treasury", "members", "members.john", "members.john.status"]
    paths += [f"{name}.{object_id}" for name in SECTIONS for object_id in document[name]]
    paths += ["members.john.breaches.0", "duels.sacre-coeur.second.challenger"]
    for path in paths:
        assert lookup(document, path) == view_at(state, path), path


@pytest.mark.parametrize(
    "path",
    ["members.nobody", "members.john.height", "nowhere", "clock.hour", "members.john.breaches.9"],
)
def test_a_path_that_leads_nowhere_is_refused_as_the_whole_view_would(path: str) -> None:
    """The same error, naming where the path stopped, whether built whole or in part."""
    state = canon_state()
    with pytest.raises(PathError) as whole:
        lookup(view(state), path)
    with pytest.raises(PathError) as part:
        view_at(state, path)
    assert str(whole.value) == str(part.value)


def test_the_view_says_which_markers_are_live() -> None:
    """A sworn marker is a debt still owed: live in the view (the page draws it)."""
    play = Play().register("john", "winston")
    play.ok("john", "swear_marker", marker="m", holder="winston")
    marker = play.view()["markers"]["m"]
    assert ("sworn", True) == (marker["state"], marker["live"])
