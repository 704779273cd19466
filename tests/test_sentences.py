"""Every event said as a sentence: each type of the core's registry, the canon's exact words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from hightable.core import Ledger, Refusal, State, to_dict
from hightable.core.events import EVENT_TYPES
from hightable.core.hotels import Service
from hightable.sentences import SAYINGS, SERVICES, sentence
from hightable.stories.loader import load_story
from hightable.stories.runner import play

STORIES = Path(__file__).resolve().parent.parent / "stories"
RAW = re.compile(r"\w+=|[{}\[\]]|\b[a-z]+_[a-z_]+\b")  # key=value, JSON, a snake_case tag


def played(path: Path) -> Ledger:
    _, ledger = play(load_story(path), keep_going=True)
    return ledger


@pytest.fixture(scope="module")
def canon() -> Ledger:
    return played(STORIES / "canon" / "john-wick.yaml")


def now(ledger: Ledger) -> State:
    state = ledger.state_at()
    assert isinstance(state, State)
    return state


def said_at(ledger: Ledger, seq: int) -> str:
    return sentence(to_dict(ledger.events[seq - 1]), now(ledger))


def test_every_event_type_of_the_registry_has_its_sentence() -> None:
    assert set(EVENT_TYPES) <= set(SAYINGS)


def test_no_event_of_the_stories_is_said_as_raw_data() -> None:
    seen: set[str] = set()
    for path in sorted(STORIES.rglob("*.yaml")):
        ledger = played(path)
        state = now(ledger)
        for event in ledger.events:
            said = sentence(to_dict(event), state)
            assert said[0].isupper() and said[-1] in ".”", said
            assert not RAW.search(said), said
            seen.add(event.type)
    # The stories reach every type but the snapshot's seal, which only a store writes.
    assert set(EVENT_TYPES) - seen <= {"state_sealed"}


def find(ledger: Ledger, type_: str, nth: int = 0) -> int:
    seqs = [e.seq for e in ledger.events if e.type == type_]
    return seqs[nth]


def test_the_canon_in_exact_words(canon: Ledger) -> None:
    assert said_at(canon, find(canon, "terms_offered")) == (
        "The Elder offered terms to John Wick: lift the excommunicado; they must kill Winston "
        "Scott and swear fealty (granted on acceptance)."
    )
    assert said_at(canon, find(canon, "excommunicated")) == (
        "Winston Scott declared John Wick excommunicado (business on consecrated ground), with "
        "an hour of grace: in effect from 2019-05-17 18:00."
    )
    assert said_at(canon, find(canon, "excommunicado_took_effect")) == (
        "John Wick's grace ran out: excommunicado."
    )
    assert said_at(canon, find(canon, "fined")) == (
        "The Adjudicator fined the Director 50 coins: aided John Wick."
    )
    assert said_at(canon, find(canon, "duel_resolved")) == (
        "The duel of John Wick and Marquis Vincent de Gramont is over: John Wick won; fallen: "
        "Marquis Vincent de Gramont."
    )


def test_a_breach_is_said_as_the_breakers(canon: Ledger) -> None:
    aid = next(e for e in canon.events if e.type == "member_aided" and e.by == "bowery-king")
    breach = canon.events[aid.seq]  # recorded by the same command, right after
    assert breach.type == "breach_recorded"
    assert said_at(canon, breach.seq) == (
        "The Bowery King broke EXCOM-3 (aiding an excommunicado is a breach)."
    )


def test_a_deadline_in_the_offer_is_said() -> None:
    ledger = played(STORIES / "terms" / "running-out.yaml")
    offered = [e for e in ledger.events if e.type == "terms_offered" and "deadline" in to_dict(e)]
    assert offered
    said = sentence(to_dict(offered[0]), now(ledger))
    assert re.search(r", by \d{4}-\d\d-\d\d \d\d:\d\d", said), said


def ledger_of(*commands: dict[str, object]) -> Ledger:
    ledger = Ledger.create("w", "2019-05-17T17:00:00Z")
    assert isinstance(ledger, Ledger)
    for command in commands:
        outcome = ledger.execute({"at": "2019-05-17T17:00:00Z", **command})
        assert not isinstance(outcome, Refusal), outcome
    return ledger


def test_a_name_that_several_bear_is_said_with_the_id() -> None:
    ledger = ledger_of(
        {"by": "table", "do": "register", "member": "newcomer-1", "name": "N"},
        {"by": "table", "do": "register", "member": "newcomer-2", "name": "N"},
        {"by": "table", "do": "register", "member": "john", "name": "John Wick"},
        {"by": "table", "do": "mint", "to": "newcomer-1", "amount": 9},
        {"by": "newcomer-1", "do": "transfer", "to": "newcomer-2", "amount": 5},
        {"by": "table", "do": "mint", "to": "john", "amount": 9},
    )
    assert said_at(ledger, 6) == "N (newcomer-1) paid 5 coins to N (newcomer-2)."
    assert said_at(ledger, 7) == "The High Table minted 9 coins for John Wick."


def test_a_name_with_an_article_reads_lower_mid_sentence() -> None:
    ledger = ledger_of(
        {"by": "table", "do": "register", "member": "seat", "name": "A seat at the High Table"},
        {"by": "table", "do": "appoint", "member": "seat", "office": "seat"},
    )
    assert said_at(ledger, 2) == "The High Table registered a seat at the High Table."
    assert said_at(ledger, 3).startswith("The High Table appointed a seat at the High Table")


def test_each_fallen_is_said_once() -> None:
    event = {"type": "duel_resolved", "by": "x", "duel": "d", "winner": None, "fallen": ["x", "x"]}
    state = now(ledger_of())
    assert sentence(event, state) == "The duel d is over: both sides forfeited; fallen: x."


def test_every_service_of_a_hotel_is_said_as_a_guest_would() -> None:
    assert set(get_args(Service)) == set(SERVICES)
    ledger = played(STORIES / "canon" / "parabellum-the-hour-of-grace.yaml")
    used = find(ledger, "service_used")
    assert said_at(ledger, used) == (
        "John Wick bought the doctor's care at the Continental New York for 1 coin."
    )


def test_a_text_that_turns_the_writing_round_is_kept_within_itself() -> None:
    """A reason (or a name) holding a right-to-left override is set in an isolate: the rest of
    the sentence, the grace and its instant, reads as written."""
    override = "\u202ebusiness"
    ledger = ledger_of(
        {"by": "table", "do": "register", "member": "john", "name": "\u202eJohn"},
        {"by": "table", "do": "register", "member": "winston", "name": "Winston"},
        {"by": "table", "do": "appoint", "member": "winston", "office": "elder"},
        {"by": "winston", "do": "excommunicate", "member": "john", "grace": 60, "reason": override},
    )
    assert said_at(ledger, 5) == (
        "Winston declared \u2068\u202eJohn\u2069 excommunicado (\u2068\u202ebusiness\u2069), "
        "with an hour of grace: in effect from 2019-05-17 18:00."
    )
    assert said_at(ledger, 2) == "The High Table registered \u2068\u202eJohn\u2069."
