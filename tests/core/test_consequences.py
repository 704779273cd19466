"""COIN-3 and TERMS-2: when one command sets off several consequences, each is judged on the state
the ones before it left, so none is carried out twice."""

from __future__ import annotations

from typing import Any

from helpers import START, Play, assert_books_balance
from hightable.core.instants import add_minutes

FEALTY = {"requires": ["swear_fealty"], "grant_on": "fulfil"}


def officers() -> Play:
    """The elder, the adjudicator, john, santino and winston; the Continental opened."""
    play = Play().register("elder", "adjudicator", "john", "santino", "winston")
    play.ok("table", "appoint", member="elder", office="elder")
    play.ok("table", "appoint", member="adjudicator", office="adjudicator")
    play.ok("table", "open_hotel", hotel="continental", name="The Continental", manager="winston")
    return play


def offer_twice(play: Play, grants: list[Any], **how: Any) -> None:
    """The elder offers john the same grants under two terms, and john accepts both."""
    for terms in ("first", "second"):
        play.ok("elder", "offer_terms", terms=terms, to="john", grants=grants, **how)
        play.ok("john", "accept_terms", terms=terms)


def types(outcome: Any) -> list[str]:
    return [event.type for event in outcome.events]


def test_coin_3_one_oath_fulfilling_two_terms_cancels_a_contract_once() -> None:
    """COIN-3: two terms cancelling the contracts on john, fulfilled by one oath, refund once."""
    play = officers()
    play.ok("table", "mint", to="santino", amount=100)
    play.ok("santino", "post_contract", contract="on-john", target="john", bounty=100)
    offer_twice(play, [{"cancel_contracts_on": "john"}], **FEALTY)
    sworn = play.ok("john", "swear_fealty")
    assert 1 == types(sworn).count("contract_cancelled")
    assert ["fulfilled", "fulfilled"] == [
        play.view()["terms"][t]["state"] for t in ("first", "second")
    ]
    state = play.ledger.state
    assert (0, 100, 100) == (state.escrow, state.balances["santino"], state.supply)
    assert_books_balance(state)


def test_coin_3_one_terms_naming_the_same_grant_twice_cancels_once() -> None:
    """COIN-3: the same grant written twice in one terms is carried out once."""
    play = officers()
    play.ok("table", "mint", to="santino", amount=100)
    play.ok("santino", "post_contract", contract="on-john", target="john", bounty=100)
    grants = [{"cancel_contracts_on": "john"}, {"cancel_contracts_on": "john"}]
    play.ok(
        "elder", "offer_terms", terms="t", to="john", grants=grants, requires=[], grant_on="accept"
    )
    accepted = play.ok("john", "accept_terms", terms="t")
    assert 1 == types(accepted).count("contract_cancelled")
    assert_books_balance(play.ledger.state)


def test_terms_2_two_fulfilments_admit_lift_restore_and_consecrate_once() -> None:
    """TERMS-2: two terms with the same grants, fulfilled together, change each thing once."""
    play = officers()
    play.ok("table", "found_family", family="rr", name="Ruska Roma", head="elder", high_table=True)
    play.ok("elder", "excommunicate", member="john", grace=0, reason="killed Santino")
    play.ok("adjudicator", "relieve_manager", hotel="continental")
    play.ok("adjudicator", "deconsecrate", hotel="continental")
    grants = [
        {"admit": "rr"},
        "lift_excommunicado",
        {"restore_manager": {"hotel": "continental", "member": "winston"}},
        {"consecrate": "continental"},
    ]
    offer_twice(play, grants, **FEALTY)
    sworn = types(play.ok("john", "swear_fealty"))
    for kind in (
        "member_admitted",
        "excommunicado_lifted",
        "manager_appointed",
        "hotel_consecrated",
    ):
        assert 1 == sworn.count(kind), kind
    view = play.view()
    assert ["elder", "john"] == view["families"]["rr"]["members"]
    assert ("active", "winston", True) == (
        view["members"]["john"]["status"],
        view["hotels"]["continental"]["manager"],
        view["hotels"]["continental"]["consecrated"],
    )


def test_duel_grants_are_judged_after_the_duels_deaths() -> None:
    """DUEL-6: a grant restoring a manager executed in the duel appoints no one; a marker between
    two of the dead is voided once."""
    play = officers().register("katia", "marquis", "chidi")
    play.ok("table", "appoint", member="marquis", office="seat")
    play.ok("table", "found_family", family="rr", name="Ruska Roma", head="katia", high_table=True)
    play.ok("katia", "admit", family="rr", member="john")
    play.ok("adjudicator", "relieve_manager", hotel="continental")
    play.ok("john", "challenge", duel="d", challenged="marquis")
    restore = {"restore_manager": {"hotel": "continental", "member": "chidi"}}
    hour = add_minutes(START, 1_000)
    terms = {"challenger_wins": [restore], "challenged_wins": []}
    play.ok("adjudicator", "sanction_duel", duel="d", place="x", hour=hour, terms=terms)
    play.ok("marquis", "name_second", duel="d", member="chidi")
    play.ok("marquis", "swear_marker", marker="m", holder="chidi")
    play.ok("john", "arrive", duel="d")
    resolved = play.ok(
        "adjudicator", "resolve_duel", duel="d", winner="challenger", fallen=[], minute=1_000
    )
    assert ["marquis", "chidi"] == [e.member for e in resolved.events if e.type == "member_fell"]
    assert 1 == types(resolved).count("marker_voided")
    assert 0 == types(resolved).count("manager_appointed")
    assert None is play.view()["hotels"]["continental"]["manager"]


def test_time_2_two_terms_expiring_together_restore_an_excommunicado_once() -> None:
    """TIME-2, TERMS-3: two terms that both lift, expiring in one command, restore it once."""
    play = officers()
    play.ok("elder", "excommunicate", member="john", grace=0, reason="killed Santino")
    deadline = add_minutes(START, 500)
    how = {"requires": [{"pay": 1}], "grant_on": "accept", "deadline": deadline}
    offer_twice(play, ["lift_excommunicado"], **how)
    tick = types(play.ok("table", "tick", minute=1_000))
    assert 1 == tick.count("excommunicado_restored")
    assert ["TERMS-3", "TERMS-3"] == play.view()["members"]["john"]["breaches"]


def test_time_2_a_decree_taking_effect_and_terms_expiring_together() -> None:
    """TIME-2, TERMS-3: a lift, then a new decree; the terms expire before it takes effect, in
    the same command: the decree takes effect once, at its own hour, and nothing restores it."""
    play = officers()
    play.ok("elder", "excommunicate", member="john", grace=60, reason="first")
    how = {"requires": [{"pay": 1}], "grant_on": "accept", "deadline": add_minutes(START, 100)}
    play.ok("elder", "offer_terms", terms="t", to="john", grants=["lift_excommunicado"], **how)
    play.ok("john", "accept_terms", terms="t")
    decree = play.ok("elder", "excommunicate", member="john", grace=120, reason="second")
    tick = play.ok("table", "tick", minute=1_000)
    effective_at = decree.events[0].effective_at
    assert [
        ("terms_expired", add_minutes(START, 100)),
        ("breach_recorded", add_minutes(START, 100)),
        ("excommunicado_took_effect", effective_at),
        ("clock_ticked", add_minutes(START, 1_000)),
    ] == [(event.type, event.at) for event in tick.events]
    john = play.view()["members"]["john"]
    assert ("excommunicado", effective_at) == (john["status"], john["excommunicado_from"])
