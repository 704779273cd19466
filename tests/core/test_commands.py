"""CMD-1 and ID-1: malformed commands are refused at the edge, naming the field."""

from __future__ import annotations

import pytest

from hightable.core import Refusal, parse_command
from hightable.core.instants import InstantError, parse_instant, parse_step_time

BASE = {"by": "john", "at": "2019-05-17T17:00:00Z"}


@pytest.mark.parametrize(
    ("raw", "field_named"),
    [
        ({**BASE, "do": "transfer", "to": "table", "amount": "5"}, "amount"),
        ({**BASE, "do": "transfer", "to": "table"}, "amount"),
        ({**BASE, "do": "transfer", "to": "table", "amount": 1, "tip": 1}, "tip"),
        ({**BASE, "do": "fly"}, "do"),
        ({"by": "john", "at": "2019-05-17T17:00:00Z"}, "do"),
        ({**BASE, "do": "appoint", "member": "john", "office": "king"}, "office"),
        ({**BASE, "do": "transfer", "to": "table", "amount": True}, "amount"),
        ({**BASE, "do": "transfer", "to": "table", "amount": 10**16}, "amount"),
        ({**BASE, "do": "register", "member": "x", "name": "n" * 5000}, "name"),
        ({**BASE, "do": "excommunicate", "member": "x", "grace": -1, "reason": "r"}, "grace"),
        ({"by": "john", "do": "tick", "at": "yesterday"}, "at"),
        ({"by": "john", "do": "tick", "at": "2019-05-17T17:00:00.5Z"}, "at"),
        ({"by": "john", "do": "tick", "at": "2019-05-17T17:00:00"}, "at"),
        ({"do": "tick", "at": "2019-05-17T17:00:00Z"}, "by"),
    ],
)
def test_cmd_1_names_the_field(raw: dict, field_named: str) -> None:
    """CMD-1: each malformed command is refused with a message that starts with its field."""
    refusal = parse_command(raw)
    assert isinstance(refusal, Refusal)
    assert "CMD-1" == refusal.rule
    assert refusal.message.startswith(field_named), refusal.message


@pytest.mark.parametrize("raw", [None, [], "register", 5])
def test_cmd_1_refuses_what_is_not_a_mapping(raw: object) -> None:
    """CMD-1: a command that is not a mapping of fields."""
    refusal = parse_command(raw)
    assert isinstance(refusal, Refusal) and "CMD-1" == refusal.rule


@pytest.mark.parametrize("bad", ["John", "-john", "j" * 65, "jo_hn", "", "john wick"])
def test_id_1_refuses_what_is_not_a_slug(bad: str) -> None:
    """ID-1: ids are [a-z0-9][a-z0-9-]{0,63}."""
    refusal = parse_command({**BASE, "do": "register", "member": bad, "name": "x"})
    assert isinstance(refusal, Refusal) and "ID-1" == refusal.rule


def test_id_1_accepts_a_slug_of_64() -> None:
    """ID-1: the longest slug passes."""
    command = parse_command({**BASE, "do": "register", "member": "j" * 64, "name": "x"})
    assert not isinstance(command, Refusal)


def test_cmd_1_comes_before_id_1() -> None:
    """§13: a command both malformed and with a bad id is refused with CMD-1."""
    refusal = parse_command({**BASE, "by": "John", "do": "transfer", "to": "table", "amount": "x"})
    assert isinstance(refusal, Refusal) and "CMD-1" == refusal.rule


def test_instants_are_normalized_to_utc() -> None:
    """An offset is converted; the canonical form ends in Z."""
    assert "2019-05-17T15:00:00Z" == parse_instant("2019-05-17T17:00:00+02:00")
    assert "2019-05-17T17:00:00Z" == parse_instant("2019-05-17T17:00:00.000Z")


@pytest.mark.parametrize("bad", ["2019-13-01T00:00:00Z", "17:00", "2019-05-17T17:00:00.25Z", 5])
def test_bad_instants_are_refused(bad: object) -> None:
    """An instant that is not ISO-8601 UTC, or has a fraction of a second."""
    with pytest.raises(InstantError):
        parse_instant(bad)


def test_relative_step_times() -> None:
    """+N(s|m|h|d) after the last step."""
    last = "2019-05-17T17:00:00Z"
    assert "2019-05-17T19:00:00Z" == parse_step_time("+2h", last)
    assert "2019-05-18T17:00:00Z" == parse_step_time("+1d", last)
    assert "2019-05-17T17:00:30Z" == parse_step_time("+30s", last)
