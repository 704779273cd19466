"""§13: where LIFE-1 and a chapter's rule say the same of a named party, the chapter's is named."""

from __future__ import annotations

from helpers import START, Play
from hightable.core.instants import add_minutes


def duel_play() -> Play:
    """A sanctioned duel between john and the marquis, and chev already dead."""
    play = Play().register("john", "katia", "marquis", "harbinger", "winston", "caine", "chev")
    play.ok("table", "appoint", member="marquis", office="seat")
    play.ok("table", "appoint", member="harbinger", office="adjudicator")
    play.ok("table", "found_family", family="rr", name="RR", head="katia", high_table=True)
    play.ok("katia", "admit", family="rr", member="john")
    play.ok("john", "challenge", duel="d", challenged="marquis")
    hour = add_minutes(START, 10_000)
    play.ok("harbinger", "sanction_duel", duel="d", place="x", hour=hour, terms={})
    play.ok("caine", "eliminate", target="chev")
    return play


def test_contract_1_names_a_deceased_target() -> None:
    """CONTRACT-1 (the target must be a living member), not LIFE-1, refuses a dead target."""
    play = Play().register("santino", "gianna", "john")
    play.ok("table", "mint", to="santino", amount=10)
    play.ok("john", "eliminate", target="gianna")
    refusal = play.refused("santino", "post_contract", contract="c", target="gianna", bounty=5)
    assert "CONTRACT-1" == refusal.rule
    assert "gianna is deceased; a contract is on the living" == refusal.message


def test_life_1_still_names_a_deceased_client_or_contractor() -> None:
    """LIFE-1 stays the rule for the dead actor and for a dead contractor."""
    play = Play().register("santino", "gianna", "john")
    play.ok("table", "mint", to="santino", amount=10)
    play.ok("john", "eliminate", target="gianna")
    fields = {"contract": "c", "bounty": 5, "open": False}
    assert (
        "LIFE-1"
        == play.refused("gianna", "post_contract", target="john", contractor="john", **fields).rule
    )
    assert (
        "LIFE-1"
        == play.refused(
            "santino", "post_contract", target="john", contractor="gianna", **fields
        ).rule
    )


def test_duel_4_names_a_deceased_second_or_stand_in() -> None:
    """DUEL-4 (a living member), not LIFE-1, refuses a dead second or stand-in."""
    play = duel_play()
    second = play.refused("john", "name_second", duel="d", member="chev")
    stand_in = play.refused("marquis", "name_stand_in", duel="d", member="chev")
    assert ("DUEL-4", "DUEL-4") == (second.rule, stand_in.rule)
    assert "chev is deceased; a second is a living member" == second.message
    play.ok("john", "name_second", duel="d", member="winston")
    play.ok("marquis", "name_stand_in", duel="d", member="caine")
