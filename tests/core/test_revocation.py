"""TERMS-3: revoking terms undoes what their grants changed, only while it still holds."""

from __future__ import annotations

from typing import Any

from helpers import START, Play
from hightable.core.instants import add_minutes

ON_ACCEPT = {"requires": [{"pay": 1}], "grant_on": "accept"}
RESTORE = {"restore_manager": {"hotel": "continental", "member": "winston"}}


def world() -> Play:
    """The elder (head of the Ruska Roma), the adjudicator, john, winston managing the
    consecrated Continental."""
    play = Play().register("elder", "adjudicator", "john", "winston")
    play.ok("table", "appoint", member="elder", office="elder")
    play.ok("table", "appoint", member="adjudicator", office="adjudicator")
    play.ok("table", "found_family", family="rr", name="Ruska Roma", head="elder", high_table=True)
    play.ok("table", "open_hotel", hotel="continental", name="The Continental", manager="winston")
    return play


def accepted(play: Play, grants: list[Any], deadline: str | None = None) -> None:
    """John accepts terms with these grants, granted on acceptance."""
    extra = {"deadline": deadline} if deadline else {}
    play.ok("elder", "offer_terms", terms="t", to="john", grants=grants, **ON_ACCEPT, **extra)
    play.ok("john", "accept_terms", terms="t")


def facts(play: Play) -> tuple[Any, ...]:
    view = play.view()
    hotel, john = view["hotels"]["continental"], view["members"]["john"]
    return hotel["consecrated"], hotel["manager"], john["family"], john["status"]


def test_terms_3_revokes_nothing_the_grants_did_not_change() -> None:
    """TERMS-3: consecrating consecrated ground, restoring the manager in office and admitting a
    member already admitted changed nothing, so renouncing undoes nothing."""
    play = world()
    play.ok("elder", "admit", family="rr", member="john")
    accepted(play, [{"consecrate": "continental"}, RESTORE, {"admit": "rr"}])
    renounced = play.ok("john", "renounce_terms", terms="t")
    assert ["terms_renounced", "breach_recorded"] == [event.type for event in renounced.events]
    assert (True, "winston", "rr", "active") == facts(play)


def test_terms_3_expiry_revokes_nothing_the_grants_did_not_change() -> None:
    """TERMS-3 at the deadline (TIME-2): the same grants expiring unfulfilled undo nothing."""
    play = world()
    play.ok("elder", "admit", family="rr", member="john")
    accepted(
        play, [{"consecrate": "continental"}, RESTORE, {"admit": "rr"}], add_minutes(START, 500)
    )
    play.ok("table", "tick", minute=1_000)
    assert "expired" == play.view()["terms"]["t"]["state"]
    assert (True, "winston", "rr", "active") == facts(play)


def test_terms_3_does_not_undo_a_later_change() -> None:
    """TERMS-3: what the grants did, undone and done again by others since, is theirs now."""
    play = world()
    play.ok("adjudicator", "relieve_manager", hotel="continental")
    play.ok("adjudicator", "deconsecrate", hotel="continental")
    accepted(play, [{"consecrate": "continental"}, RESTORE, {"admit": "rr"}])
    assert (True, "winston", "rr", "active") == facts(play)
    play.ok("adjudicator", "deconsecrate", hotel="continental")
    play.ok("table", "consecrate", hotel="continental")
    play.ok("adjudicator", "relieve_manager", hotel="continental")
    play.ok("adjudicator", "appoint_manager", hotel="continental", member="winston")
    play.ok("elder", "exile", family="rr", member="john")
    play.ok("elder", "admit", family="rr", member="john")
    play.ok("john", "renounce_terms", terms="t")
    assert (True, "winston", "rr", "active") == facts(play)


def test_terms_3_does_not_cut_a_new_decrees_grace_short() -> None:
    """TERMS-3: a lift followed by a new decree is no longer the terms' to revoke."""
    play = world()
    play.ok("elder", "excommunicate", member="john", grace=0, reason="first")
    accepted(play, ["lift_excommunicado"])
    decree = play.ok("elder", "excommunicate", member="john", grace=60, reason="second")
    play.ok("john", "renounce_terms", terms="t")
    john = play.view()["members"]["john"]
    assert ("active", decree.events[0].effective_at) == (john["status"], john["excommunicado_from"])


def test_terms_3_still_revokes_what_the_grants_changed() -> None:
    """TERMS-3: the lawful case: what the grants did, and still holds, is undone."""
    play = world()
    play.ok("elder", "excommunicate", member="john", grace=0, reason="first")
    play.ok("adjudicator", "relieve_manager", hotel="continental")
    play.ok("adjudicator", "deconsecrate", hotel="continental")
    accepted(play, [{"consecrate": "continental"}, RESTORE, {"admit": "rr"}, "lift_excommunicado"])
    assert (True, "winston", "rr", "active") == facts(play)
    play.ok("john", "renounce_terms", terms="t")
    assert (False, None, None, "excommunicado") == facts(play)
