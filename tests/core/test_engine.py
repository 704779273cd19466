"""decide and evolve: the order of refusals (§13), TIME-1, TIME-2, IDEM-1, LIFE-1 and purity."""

from __future__ import annotations

import msgspec

from helpers import Play
from hightable.core import Accepted, Replayed, decide, parse_command


def encoded(play: Play) -> bytes:
    return msgspec.json.encode(play.ledger.state)


def test_decide_changes_nothing_accepted_or_refused() -> None:
    """A refusal changes nothing because decide does not mutate: the state is byte-identical."""
    play = Play().register("john", "winston")
    play.ok("table", "appoint", member="winston", office="seat")
    play.ok("winston", "excommunicate", member="john", grace=10, reason="test")
    before = encoded(play)
    for raw in (
        {
            "by": "john",
            "do": "transfer",
            "to": "winston",
            "amount": 5,
            "at": "2019-05-17T20:00:00Z",
        },
        {"by": "table", "do": "tick", "at": "2019-05-17T20:00:00Z"},  # crosses the deadline
    ):
        command = parse_command(raw)
        decide(play.ledger.state, command)  # type: ignore[arg-type]
        assert before == encoded(play)


def test_time_1_refuses_a_command_dated_before_the_clock() -> None:
    """TIME-1: the clock is the latest `at` accepted."""
    play = Play().register("john")
    assert "TIME-1" == play.refused("table", "tick", minute=0).rule
    play.ok("table", "tick", minute=1)  # the same instant as the clock is lawful


def test_time_2_consequences_come_first_stamped_at_their_deadlines() -> None:
    """TIME-2: two deadlines crossed by one command are appended in deadline order, then it."""
    play = Play().register("john", "santino", "elder")
    play.ok("table", "appoint", member="elder", office="elder")
    play.ok("elder", "excommunicate", member="santino", grace=30, reason="second")  # minute 5
    play.ok("elder", "excommunicate", member="john", grace=10, reason="first")  # minute 6
    accepted = play.ok("table", "tick", minute=120)
    kinds = [(event.type, getattr(event, "member", None), event.at) for event in accepted.events]
    assert [
        ("excommunicado_took_effect", "john", "2019-05-17T17:16:00Z"),
        ("excommunicado_took_effect", "santino", "2019-05-17T17:35:00Z"),
        ("clock_ticked", None, "2019-05-17T19:00:00Z"),
    ] == kinds
    assert [8, 9, 10] == [event.seq for event in accepted.events]


def test_time_2_a_refused_command_appends_no_consequence() -> None:
    """TIME-2: if the command crossing a deadline is refused, nothing is appended."""
    play = Play().register("john", "elder")
    play.ok("table", "appoint", member="elder", office="elder")
    play.ok("elder", "excommunicate", member="john", grace=10, reason="test")
    length = len(play.ledger.events)
    assert "ROLE-1" == play.refused("john", "tick", minute=60).rule
    assert length == len(play.ledger.events)
    assert "active" == play.view()["members"]["john"]["status"]


def test_idem_1_a_retry_returns_the_first_outcome_even_after_the_clock_moved() -> None:
    """IDEM-1: the same cid and body return the first events and change nothing."""
    play = Play().register("john")
    first = play.ok("table", "mint", to="john", amount=5, cid="c-1", minute=10)
    play.ok("table", "tick", minute=20)
    retry = play.ledger.execute(
        {
            "by": "table",
            "do": "mint",
            "to": "john",
            "amount": 5,
            "cid": "c-1",
            "at": first.events[0].at,
        }
    )
    assert isinstance(retry, Replayed)
    assert first.events == play.ledger.events_of(retry)
    assert 5 == play.view()["supply"]


def test_idem_1_refuses_another_body_under_a_used_cid() -> None:
    """IDEM-1: the same cid with another body is refused."""
    play = Play().register("john")
    play.ok("table", "mint", to="john", amount=5, cid="c-1")
    assert "IDEM-1" == play.refused("table", "mint", to="john", amount=6, cid="c-1").rule


def test_precedence_id_3_before_life_1_before_authority() -> None:
    """§13: ID-3, then LIFE-1, then the authority rule, then the chapter's rules."""
    play = Play().register("john", "santino", "winston")
    play.ok("john", "eliminate", target="santino")
    # The dead actor names an unknown member: ID-3 first.
    assert "ID-3" == play.refused("santino", "transfer", to="nobody", amount=1).rule
    # The dead actor lacks the authority too: LIFE-1 first.
    assert "LIFE-1" == play.refused("santino", "fine", member="john", amount=1, reason="x").rule
    # Authority before the chapter's own rule (COIN-1 here).
    assert "ROLE-1" == play.refused("john", "fine", member="winston", amount=0, reason="x").rule


def test_contract_7_is_named_for_an_excommunicados_contract() -> None:
    """§13: where EXCOM-2 and CONTRACT-7 say the same, the contract chapter's rule is named."""
    play = Play().register("john", "elder", "zero")
    play.ok("table", "appoint", member="elder", office="elder")
    play.ok("table", "mint", to="john", amount=5)
    play.ok("elder", "excommunicate", member="john", grace=0, reason="test")
    refusal = play.refused("john", "post_contract", contract="c", target="zero", bounty=5)
    assert "CONTRACT-7" == refusal.rule


def test_resurfacing_is_appended_before_the_act() -> None:
    """A presumed-dead actor's accepted command begins with `resurfaced`."""
    play = Play().register("john", "winston")
    play.ok("winston", "eliminate", target="john", confirmed=False)
    accepted = play.ok("john", "aid", member="winston", help="a word")
    assert ["resurfaced", "member_aided"] == [event.type for event in accepted.events]


def test_refusal_names_rule_title_and_facts() -> None:
    """A refusal carries the rule ID, its title and a message naming the facts."""
    play = Play().register("john", "winston")
    play.ok("table", "mint", to="john", amount=3)
    refusal = play.refused("john", "transfer", to="winston", amount=5)
    assert "COIN-2" == refusal.rule
    assert "No balance may go below zero" == refusal.title
    assert "john holds 3 coins; the transfer needs 5" == refusal.message
    assert "COIN-2: john holds 3 coins; the transfer needs 5" == str(refusal)


def test_world_field_must_name_this_world() -> None:
    """ID-3: a command that names another world is refused."""
    play = Play(world="alpha").register("john")
    refusal = play.refused("table", "tick", world="beta")
    assert "ID-3" == refusal.rule
    assert isinstance(play.do("table", "tick", world="alpha"), Accepted)
