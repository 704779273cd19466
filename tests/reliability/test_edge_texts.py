"""Text at the edge (CMD-1): every string of every command, nested ones too, is fuzzed.

A text is refused naming its field, or accepted and then sealed, stored and read back as written:
never an exception, never a world changed halfway.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edge import AT, TEXT_FIELDS, Build
from hightable.core import COMMANDS, Accepted, Ledger, Refusal, parse_command
from hightable.core.chain import GENESIS, seal
from hightable.core.events import decode_event
from hightable.store import open_store

START = "2019-05-17T17:00:00Z"
LATER = "2019-05-18T06:00:00Z"
SPECIAL = ["\x00", "\u200f", "\u202e", "\u061c", "\ud800", "\udfff", "\ufeff", "\U0010ffff"]
CHARACTER = st.one_of(
    st.characters(exclude_categories=()),
    st.characters(categories=["Cs"]),  # lone surrogates, which st.text() leaves out by default
    st.sampled_from(SPECIAL),
)
# st.text() drops surrogates even from an alphabet that draws them: join the characters instead.
TEXT = st.lists(CHARACTER, max_size=24).map("".join)


def top_field(path: str) -> str:
    return path.split(".")[0].split("[")[0]


def test_the_cases_cover_every_command_and_its_free_texts() -> None:
    """Every registered command is fuzzed, and so is each of the free texts the review named."""
    covered = {do for do, _, _ in TEXT_FIELDS}
    paths = {path for _, path, _ in TEXT_FIELDS}
    assert set(COMMANDS) == covered
    bases = [parse_command(build("x")) for _, path, build in TEXT_FIELDS if path == "by"]
    assert [] == [base for base in bases if isinstance(base, Refusal)]
    assert {"name", "reason", "help", "favor", "purpose", "place", "cid", "by", "world"} <= paths


@pytest.mark.parametrize(("do", "path", "build"), TEXT_FIELDS, ids=[c[1] for c in TEXT_FIELDS])
def test_a_lone_surrogate_is_cmd_1_naming_its_field(do: str, path: str, build: Build) -> None:
    """CMD-1: a lone surrogate in any text, at any depth, is refused naming the path to it."""
    outcome = parse_command(build("a\ud800b"))
    assert isinstance(outcome, Refusal), outcome
    assert ("CMD-1", True) == (outcome.rule, outcome.message.startswith(f"{path}:"))
    outcome.message.encode("utf-8")  # the refusal itself can be sent back as JSON


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(TEXT_FIELDS), text=TEXT)
def test_any_text_in_any_field_is_refused_naming_it_or_parses_to_a_sealable_command(
    case: tuple[str, str, Build], text: str
) -> None:
    """Arbitrary Unicode anywhere: CMD-1 or ID-1 naming the field, or a command JSON can carry."""
    do, path, build = case
    outcome = parse_command(build(text))
    if isinstance(outcome, Refusal):
        assert (True, True) == (
            outcome.rule in ("CMD-1", "ID-1"),
            outcome.message.startswith(top_field(path)),
        ), outcome
        outcome.message.encode("utf-8")
    else:
        assert do == outcome.do
        assert outcome == msgspec.json.decode(msgspec.json.encode(outcome), type=type(outcome))


def setup_commands() -> list[dict[str, Any]]:
    """A world in which each free-text command below is accepted."""
    register = [
        {"by": "table", "do": "register", "member": member, "name": member}
        for member in ("john", "katia", "marquis", "harbinger", "sofia")
    ]
    return [
        *register,
        {"by": "table", "do": "appoint", "member": "marquis", "office": "seat"},
        {"by": "table", "do": "appoint", "member": "harbinger", "office": "adjudicator"},
        {
            "by": "table",
            "do": "found_family",
            "family": "ruska-roma",
            "name": "Ruska Roma",
            "head": "katia",
            "high_table": True,
        },
        {"by": "katia", "do": "admit", "family": "ruska-roma", "member": "john"},
        {"by": "john", "do": "challenge", "duel": "d1", "challenged": "marquis"},
        {"by": "table", "do": "mint", "to": "john", "amount": 100},
        {"by": "john", "do": "swear_marker", "marker": "m1", "holder": "sofia"},
    ]


FREE_TEXTS: list[tuple[str, dict[str, Any]]] = [
    ("name", {"by": "table", "do": "register", "member": "newcomer"}),
    ("name", {"by": "table", "do": "open_hotel", "hotel": "h2"}),
    (
        "name",
        {"by": "table", "do": "found_family", "family": "f2", "head": "sofia", "high_table": False},
    ),
    ("help", {"by": "john", "do": "aid", "member": "sofia"}),
    ("reason", {"by": "harbinger", "do": "excommunicate", "member": "sofia", "grace": 60}),
    ("reason", {"by": "harbinger", "do": "fine", "member": "john", "amount": 1}),
    ("favor", {"by": "sofia", "do": "invoke_marker", "marker": "m1"}),
    ("purpose", {"by": "john", "do": "propose_alliance", "alliance": "a1", "with": "sofia"}),
    ("place", {"by": "harbinger", "do": "sanction_duel", "duel": "d1", "hour": LATER, "terms": {}}),
    ("cid", {"by": "table", "do": "tick"}),
]


def a_world() -> Ledger:
    ledger = Ledger.create("w", START)
    assert isinstance(ledger, Ledger)
    for raw in setup_commands():
        assert isinstance(ledger.execute({**raw, "at": START}), Accepted)
    return ledger


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(FREE_TEXTS), text=TEXT)
def test_a_free_text_is_refused_whole_or_sealed_and_read_back_as_written(
    case: tuple[str, dict[str, Any]], text: str
) -> None:
    """A text is refused (CMD-1, the world untouched) or its events seal and decode back equal."""
    name, raw = case
    ledger = a_world()
    before = (msgspec.json.encode(ledger.state), len(ledger.records))
    outcome = ledger.execute({**raw, name: text, "at": AT})
    if isinstance(outcome, Refusal):
        assert ("CMD-1", True) == (outcome.rule, outcome.message.startswith(name)), outcome
        assert before == (msgspec.json.encode(ledger.state), len(ledger.records))
        return
    assert isinstance(outcome, Accepted), outcome
    assert text in [getattr(event, name, None) for event in outcome.events]
    records = seal(ledger.events, GENESIS)
    assert ledger.events == [decode_event(record.body) for record in records]


@pytest.mark.parametrize(
    "text", ["nul \x00 inside", "\u202eright to left\u202c \u200f", "\x7f\x1b"]
)
def test_nul_and_direction_marks_are_kept_through_every_durable_store(
    durable_url: str, text: str
) -> None:
    """NUL and right-to-left marks are characters: stored and read back byte for byte."""
    ledger = a_world()
    for name, raw in FREE_TEXTS:
        assert isinstance(ledger.execute({**raw, name: text, "at": AT}), Accepted)
    with open_store(durable_url) as store:
        store.create_world("w", START, ledger.records[:1])
        store.append("w", ledger.records[1:])
        stored = list(store.read("w"))
    assert (ledger.records, ledger.events) == (stored, [decode_event(r.body) for r in stored])


def test_a_text_field_holds_up_to_2000_characters() -> None:
    """CMD-1: a text holds up to 2000 characters, astral ones counted once; one more is refused."""
    raw = {"by": "table", "do": "register", "member": "x", "at": AT}
    assert not isinstance(parse_command({**raw, "name": "\U0001f52b" * 2000}), Refusal)
    refusal = parse_command({**raw, "name": "n" * 2001})
    assert isinstance(refusal, Refusal)
    assert ("CMD-1", True) == (refusal.rule, refusal.message.startswith("name"))


def test_a_field_name_with_a_lone_surrogate_is_cmd_1() -> None:
    """CMD-1: an unknown field whose very name is no UTF-8 is refused, its name escaped."""
    refusal = parse_command({"by": "table", "do": "tick", "at": AT, "\udc80x": 1})
    assert isinstance(refusal, Refusal)
    assert ("CMD-1", "\\udc80x: holds a lone surrogate, which is no Unicode character") == (
        refusal.rule,
        refusal.message,
    )
