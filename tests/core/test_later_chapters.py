"""Chapters 8-11 beyond their stories: deadlines of terms, forfeits, the order of their rules."""

from __future__ import annotations

from helpers import Play
from hightable.core import Refusal


def terms_world() -> Play:
    play = Play().register("john", "winston", "elder")
    play.ok("table", "appoint", member="elder", office="elder")
    play.ok("elder", "excommunicate", member="john", grace=0, reason="killed Santino")
    return play


def test_terms_3_expiry_is_stamped_at_the_deadline_by_the_table() -> None:
    """TERMS-3 with TIME-2: expiry, revocation and breach come first, stamped at the deadline."""
    play = terms_world()
    play.ok(
        "elder",
        "offer_terms",
        terms="a-week",
        to="john",
        grants=["lift_excommunicado"],
        requires=[{"eliminate": "winston"}],
        grant_on="accept",
        deadline="2019-05-17T19:00:00Z",
    )
    play.ok("john", "accept_terms", terms="a-week")
    accepted = play.ok("table", "tick", minute=600)
    stamped = [(event.type, event.at, event.by) for event in accepted.events]
    assert [
        ("terms_expired", "2019-05-17T19:00:00Z", "table"),
        ("excommunicado_restored", "2019-05-17T19:00:00Z", "table"),
        ("breach_recorded", "2019-05-17T19:00:00Z", "table"),
        ("clock_ticked", "2019-05-18T03:00:00Z", "table"),
    ] == stamped


def test_terms_3_a_command_after_the_deadline_is_judged_with_the_revocation() -> None:
    """TIME-2: past the deadline, the restored excommunicado already bars contracts (CONTRACT-7)."""
    play = terms_world()
    play.ok("table", "mint", to="john", amount=5)
    play.ok(
        "elder",
        "offer_terms",
        terms="t",
        to="john",
        grants=["lift_excommunicado"],
        requires=["swear_fealty"],
        grant_on="accept",
        deadline="2019-05-17T18:00:00Z",
    )
    play.ok("john", "accept_terms", terms="t")
    play.ok("john", "post_contract", contract="c1", target="winston", bounty=1)
    refusal = play.refused(
        "john", "post_contract", contract="c2", target="winston", bounty=1, minute=61
    )
    assert "CONTRACT-7" == refusal.rule
    assert "accepted" == play.view()["terms"]["t"]["state"]  # the refusal appended nothing


def test_duel_6_the_side_that_arrived_wins_whatever_is_named() -> None:
    """DUEL-6: with only the challenged side arrived, naming the challenger changes nothing."""
    play = Play().register("john", "katia", "marquis", "harbinger", "caine", "winston")
    play.ok("table", "appoint", member="marquis", office="seat")
    play.ok("table", "appoint", member="harbinger", office="adjudicator")
    play.ok("table", "found_family", family="rr", name="RR", head="katia", high_table=True)
    play.ok("katia", "admit", family="rr", member="john")
    play.ok("john", "challenge", duel="d", challenged="marquis")
    play.ok(
        "harbinger", "sanction_duel", duel="d", place="p", hour="2019-05-17T18:00:00Z", terms={}
    )
    play.ok("john", "name_second", duel="d", member="winston")
    play.ok("marquis", "name_stand_in", duel="d", member="caine")
    play.ok("caine", "arrive", duel="d")
    accepted = play.ok(
        "harbinger", "resolve_duel", duel="d", winner="challenger", fallen=[], minute=61
    )
    resolved = accepted.events[0]
    assert ("challenger", "challenged", ["challenger"]) == (
        resolved.named_winner,  # type: ignore[attr-defined]
        resolved.winner,  # type: ignore[attr-defined]
        resolved.forfeited,  # type: ignore[attr-defined]
    )
    members = play.view()["members"]
    assert ("deceased", "deceased", "active") == tuple(
        members[m]["status"] for m in ("john", "winston", "caine")
    )


def test_parlay_1_is_judged_after_the_elimination_rules() -> None:
    """PARLAY-1 is a guard on eliminate, after LIFE-3; the lawful elimination follows conclusion."""
    play = Play().register("winston", "adjudicator")
    play.ok("table", "appoint", member="adjudicator", office="adjudicator")
    play.ok("winston", "request_parlay", parlay="p", **{"with": "adjudicator"})
    play.ok("adjudicator", "grant_parlay", parlay="p")
    assert "LIFE-3" == play.refused("winston", "eliminate", target="winston").rule
    assert "PARLAY-1" == play.refused("winston", "eliminate", target="adjudicator").rule
    play.ok("winston", "conclude_parlay", parlay="p")
    play.ok("winston", "eliminate", target="adjudicator")


def test_id_3_names_an_unknown_member_inside_a_grant() -> None:
    """ID-3 reaches into grants: the refusal names the grant's place."""
    play = terms_world()
    refusal = play.refused(
        "elder",
        "offer_terms",
        terms="t",
        to="john",
        grants=[{"restore_manager": {"hotel": "nowhere", "member": "john"}}],
        requires=[],
        grant_on="accept",
    )
    assert isinstance(refusal, Refusal)
    assert ("ID-3", "grants[0].hotel: no hotel 'nowhere' in this world") == (
        refusal.rule,
        refusal.message,
    )


def test_family_2_refuses_terms_that_would_admit_a_member_of_another_family() -> None:
    """FAMILY-2 at acceptance: terms cannot make a member belong to two families."""
    play = Play().register("john", "katia", "killa")
    play.ok("table", "found_family", family="rr", name="RR", head="katia", high_table=True)
    play.ok("table", "found_family", family="harkan", name="H", head="killa", high_table=True)
    play.ok("killa", "admit", family="harkan", member="john")
    play.ok(
        "katia",
        "offer_terms",
        terms="t",
        to="john",
        grants=[{"admit": "rr"}],
        requires=[],
        grant_on="accept",
    )
    assert "FAMILY-2" == play.refused("john", "accept_terms", terms="t").rule
