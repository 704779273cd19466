"""Every event said as a sentence: each type of the core's registry, the canon's exact words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hightable.core import Ledger, State, to_dict
from hightable.core.events import EVENT_TYPES
from hightable.sentences import SAYINGS, sentence
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
